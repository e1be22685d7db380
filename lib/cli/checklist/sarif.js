'use strict'

// The audit as SARIF 2.1.0, for code-scanning UIs (GitHub code scanning, Azure DevOps, IDEs).
// Every credential finding is a result located at its file and line (paths relative to the
// repository root), with a stable partial fingerprint (accepted.js) so a UI tracks it across
// runs; findings accepted inline or by the baseline carry a suppression (`inSource`,
// `external`). Checks that fail or warn without a location (.env rules, key age, protections
// not found) are notifications of the run. Like the other formats it never holds a secret: the
// message names what was found and its masked form.

const path = require('node:path')

const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json'
const INFORMATION_URI = 'https://www.npmjs.com/package/customerio-security'
const LEVEL = { fail: 'error', warn: 'warning', pass: 'note' }
const FINGERPRINT_KEY = 'customerioSecurityFinding/v1'

function formatSarif(report, version) {
  const rules = report.checks.map((check) => ({
    id: check.id,
    name: ruleName(check.id),
    shortDescription: { text: check.title },
    helpUri: `${INFORMATION_URI}#command-line-check-and-audit`,
    defaultConfiguration: { level: check.id.startsWith('secrets-') ? 'error' : 'warning' },
  }))
  const ruleIndex = new Map(rules.map((rule, index) => [rule.id, index]))
  const results = []
  const notifications = []
  for (const check of report.checks) {
    for (const finding of check.findings ?? []) results.push(result(check, finding, ruleIndex.get(check.id), report))
    if (check.status !== 'pass' && (check.findings ?? []).length === 0) {
      notifications.push({
        level: LEVEL[check.status],
        message: { text: `${check.id}: ${check.summary}` },
        descriptor: { id: check.id, index: ruleIndex.get(check.id) },
      })
    }
  }
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'customerio-security', version, informationUri: INFORMATION_URI, rules } },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  }
  return `${JSON.stringify(log, null, 2)}\n`
}

function result(check, finding, index, report) {
  const accepted = finding.accepted !== undefined
  const out = {
    ruleId: check.id,
    ruleIndex: index,
    level: 'error',
    message: { text: message(finding) },
    locations: [
      {
        physicalLocation: {
          artifactLocation: { uri: uriOf(finding, report), uriBaseId: '%SRCROOT%' },
          region: { startLine: Math.max(1, finding.line) },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: finding.fingerprint },
  }
  if (accepted) {
    out.suppressions = [
      finding.accepted === 'inline'
        ? { kind: 'inSource', justification: 'customerio-security: allow comment' }
        : { kind: 'external', justification: 'accepted in the baseline file' },
    ]
  }
  if (finding.commit !== undefined) out.properties = { commit: finding.commit, stillInFiles: finding.present }
  return out
}

function message(finding) {
  const where =
    finding.commit === undefined
      ? ''
      : ` added in commit ${finding.commit.slice(0, 12)}${finding.present ? ' (still in the files)' : ' (deleted since: rotate it)'}`
  return `${finding.what} ${finding.masked}${where}: move it to the environment or a secret manager, and rotate it`
}

// History paths come from git's diff, relative to the repository root; current files are
// relative to the audited directory, which may be below the root.
function uriOf(finding, report) {
  const file =
    finding.commit !== undefined || report.gitRoot === null
      ? finding.file
      : path.posix.join(prefix(report), finding.file)
  return file.split('/').map(encodeURIComponent).join('/')
}

function prefix(report) {
  return (report.gitPrefix ?? '').split(path.sep).join('/')
}

function ruleName(id) {
  return id.replace(/(^|-)([a-z])/g, (m, dash, letter) => letter.toUpperCase())
}

module.exports = { formatSarif }
