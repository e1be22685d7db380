'use strict'

// The audit's output: text for people, JSON for CI. Both are bounded (at most MAX_TEXT_ITEMS
// lines of detail per check in text, MAX_JSON_ITEMS findings per check in JSON, with the count
// of the rest) and neither ever holds a secret: findings are rebuilt from an allow-list of
// fields, and the secret itself is not one of them.

const MAX_TEXT_ITEMS = 20
const MAX_JSON_ITEMS = 500
const LABEL = { pass: 'PASS', warn: 'WARN', fail: 'FAIL' }

function publicFinding(f) {
  const out = { file: f.file, line: f.line }
  if (f.commit !== undefined) out.commit = f.commit
  out.kind = f.kind
  out.what = f.what
  out.masked = f.masked
  if (f.present !== undefined) out.stillInFiles = f.present
  out.fingerprint = f.fingerprint
  if (f.accepted !== undefined) out.accepted = f.accepted
  return out
}

function findingLine(f) {
  const where =
    f.commit === undefined ? `${f.file}:${f.line}` : `${f.file}:${f.line} in commit ${f.commit.slice(0, 12)}`
  const state = f.present === undefined ? '' : f.present ? ' (still in the files)' : ' (deleted since)'
  return `${where}: ${f.what} ${f.masked}${state}`
}

function totals(checks) {
  const counts = { pass: 0, warn: 0, fail: 0 }
  for (const check of checks) counts[check.status]++
  return counts
}

function formatJson(report) {
  const checks = report.checks.map((check) => {
    const findings = check.findings ?? []
    const out = {
      id: check.id,
      title: check.title,
      status: check.status,
      summary: check.summary,
      details: check.details.slice(0, MAX_JSON_ITEMS),
    }
    if (check.findings !== undefined) {
      out.findings = findings.slice(0, MAX_JSON_ITEMS).map(publicFinding)
      out.findingsOmitted = Math.max(0, findings.length - MAX_JSON_ITEMS)
    }
    return out
  })
  const counts = totals(report.checks)
  return `${JSON.stringify({ dir: report.dir, gitRoot: report.gitRoot, ok: counts.fail === 0, counts, checks })}\n`
}

function formatText(report) {
  const width = Math.max(...report.checks.map((c) => c.id.length))
  // The directory as it was given (`.`), not its absolute path: output pasted into a ticket or a
  // README says nothing about the machine it ran on.
  let out = `customerio-security audit: ${report.shownDir ?? report.dir}\n`
  for (const check of report.checks) {
    out += `${LABEL[check.status]}  ${check.id.padEnd(width)}  ${check.summary}\n`
    // A passing check's details (where a protection is used) are for --json; text stays short.
    // Accepted findings are counted in the summary; JSON and SARIF list them.
    const active = (check.findings ?? []).filter((f) => f.accepted === undefined)
    const lines = [...active.map(findingLine), ...(check.status === 'pass' ? [] : check.details)]
    for (const line of lines.slice(0, MAX_TEXT_ITEMS)) out += `      ${line}\n`
    if (lines.length > MAX_TEXT_ITEMS)
      out += `      ... and ${lines.length - MAX_TEXT_ITEMS} more (--json lists up to ${MAX_JSON_ITEMS})\n`
  }
  const counts = totals(report.checks)
  out += `${counts.pass} passed, ${counts.warn} warning${counts.warn === 1 ? '' : 's'}, ${counts.fail} failed\n`
  return out
}

module.exports = { formatJson, formatText, totals }
