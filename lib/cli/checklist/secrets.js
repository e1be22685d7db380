'use strict'

// The two credential checks as results: in the current files, and in git history. A finding
// keeps file, line, commit, kind and the masked secret; the secret itself stays here (it is
// dropped before anything is printed, see format.js). Findings accepted inline or by the
// baseline (accepted.js) are kept and counted, but do not fail the check.

function checkFiles(findings, scanned, inGit) {
  const id = 'secrets-in-files'
  const title = inGit ? 'no Customer.io credentials in tracked files' : 'no Customer.io credentials in files'
  const active = findings.filter((f) => f.accepted === undefined)
  if (active.length === 0) {
    return {
      id,
      title,
      status: 'pass',
      summary: `${scanned} files scanned${acceptedNote(findings)}`,
      details: [],
      findings,
    }
  }
  const files = new Set(active.map((f) => f.file)).size
  return {
    id,
    title,
    status: 'fail',
    summary:
      `${active.length} credential${plural(active)} in ${files} file${files === 1 ? '' : 's'}: move them to the environment or a secret manager, and rotate them` +
      acceptedNote(findings),
    details: [],
    findings,
  }
}

function checkHistory(history, current) {
  const id = 'secrets-in-history'
  const title = 'no Customer.io credentials anywhere in git history'
  if (history.error)
    return {
      id,
      title,
      status: 'warn',
      summary: `git could not be run (${history.error.code ?? history.error.message})`,
      details: [],
      findings: [],
    }
  if (history.code !== 0 && !/does not have any commits|bad default revision/.test(history.stderr)) {
    return {
      id,
      title,
      status: 'warn',
      summary: `git log failed: ${history.stderr.split('\n')[0].slice(0, 200)}`,
      details: [],
      findings: [],
    }
  }
  const present = new Set(current.map((f) => f.secret))
  const findings = history.findings.map((f) => ({ ...f, present: present.has(f.secret) }))
  const active = findings.filter((f) => f.accepted === undefined)
  if (active.length === 0) {
    return {
      id,
      title,
      status: 'pass',
      summary: `no credentials in any commit of any ref${acceptedNote(findings)}`,
      details: [],
      findings,
    }
  }
  const gone = active.filter((f) => !f.present).length
  return {
    id,
    title,
    status: 'fail',
    summary:
      `${active.length} credential${plural(active)} in history` +
      (gone > 0 ? ` (${gone} no longer in the files: deleting a file does not remove it from history)` : '') +
      ': rotate these keys in Customer.io' +
      acceptedNote(findings),
    details: [],
    findings,
  }
}

/** `; 2 findings accepted (1 inline, 1 by the baseline)`, or nothing. */
function acceptedNote(findings) {
  const inline = findings.filter((f) => f.accepted === 'inline').length
  const baseline = findings.filter((f) => f.accepted === 'baseline').length
  if (inline + baseline === 0) return ''
  const parts = [inline > 0 ? `${inline} inline` : null, baseline > 0 ? `${baseline} by the baseline` : null].filter(
    Boolean,
  )
  return `; ${inline + baseline} finding${inline + baseline === 1 ? '' : 's'} accepted (${parts.join(', ')})`
}

function plural(list) {
  return list.length === 1 ? '' : 's'
}

module.exports = { checkFiles, checkHistory }
