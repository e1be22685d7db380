'use strict'

// The ways out of a finding that is not a live key, as secret scanners people use offer them:
//  - an inline comment on the line, `customerio-security: allow` (or on the line before,
//    `customerio-security: allow-next-line`), for a fixture whose author says so where it is;
//  - a baseline file of accepted findings by fingerprint (`--update-baseline` writes it), for
//    findings that cannot carry a comment, such as a line in an old commit.
// Accepted findings are still listed (as accepted, in JSON and SARIF); they do not fail the audit.

const { createHash } = require('node:crypto')
const fs = require('node:fs/promises')
const { UsageError } = require('../usage.js')

const ALLOW = /customerio-security:\s*allow(?![-\w])/
const ALLOW_NEXT_LINE = /customerio-security:\s*allow-next-line\b/
const BASELINE_FILE = '.customerio-security-baseline.json'
const BASELINE_VERSION = 1

/** Whether a finding on `line` (after `previous`) is accepted by an inline comment. */
function allowedInline(line, previous = '') {
  return ALLOW.test(line) || ALLOW_NEXT_LINE.test(previous)
}

/**
 * A finding's fingerprint: the file and the secret, hashed (never reversible to the secret, and
 * stable when the line moves or the finding is met again in history). 32 hex.
 */
function fingerprint(file, secret) {
  return createHash('sha256').update(`customerio-security/audit/v1\0${file}\0${secret}`).digest('hex').slice(0, 32)
}

/** The baseline's accepted fingerprints (a Map fingerprint -> entry), or an empty Map if it is absent and optional. */
async function readBaseline(file, { required }) {
  let text
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    if (error?.code === 'ENOENT' && !required) return new Map()
    throw new UsageError(`the baseline ${file} cannot be read (${error?.code ?? 'error'})`)
  }
  let json
  try {
    json = JSON.parse(text)
  } catch {
    throw new UsageError(`the baseline ${file} is not JSON`)
  }
  if (json === null || typeof json !== 'object' || json.version !== BASELINE_VERSION || !Array.isArray(json.accepted)) {
    throw new UsageError(
      `the baseline ${file} is not a customerio-security baseline (version ${BASELINE_VERSION}, "accepted": [...])`,
    )
  }
  const entries = new Map()
  for (const entry of json.accepted) {
    if (
      entry === null ||
      typeof entry !== 'object' ||
      typeof entry.fingerprint !== 'string' ||
      !/^[0-9a-f]{32}$/.test(entry.fingerprint)
    ) {
      throw new UsageError(`the baseline ${file} has an entry without a 32-hex "fingerprint"`)
    }
    entries.set(entry.fingerprint, entry)
  }
  return entries
}

/** Marks each finding `accepted: 'inline' | 'baseline'` (or leaves it active). */
function markAccepted(findings, baseline) {
  for (const finding of findings) {
    finding.fingerprint = fingerprint(finding.file, finding.secret)
    if (finding.allowed) finding.accepted = 'inline'
    else if (baseline.has(finding.fingerprint)) finding.accepted = 'baseline'
  }
}

/**
 * The baseline text accepting every finding not accepted inline: file, what and the masked value
 * for the reader (never the secret), and any `reason` an earlier baseline gave the same entry.
 */
function baselineText(findings, previous) {
  const entries = new Map()
  for (const finding of findings) {
    if (finding.allowed || entries.has(finding.fingerprint)) continue
    const entry = { fingerprint: finding.fingerprint, file: finding.file, what: finding.what, masked: finding.masked }
    const reason = previous.get(finding.fingerprint)?.reason
    if (typeof reason === 'string') entry.reason = reason
    entries.set(finding.fingerprint, entry)
  }
  const accepted = [...entries.values()].sort(
    (a, b) => a.file.localeCompare(b.file) || a.fingerprint.localeCompare(b.fingerprint),
  )
  return `${JSON.stringify({ version: BASELINE_VERSION, tool: 'customerio-security audit', accepted }, null, 2)}\n`
}

module.exports = { BASELINE_FILE, allowedInline, baselineText, fingerprint, markAccepted, readBaseline }
