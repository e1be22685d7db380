'use strict'

// Runs the detector over the current files and over every commit's added lines. Findings are
// de-duplicated per (file, secret): a key in a file is reported once, at its first line, and
// a key in history at the oldest commit that added it to that file.

const { detect } = require('./detect.js')
const { gitLines } = require('./git.js')
const { readText } = require('./files.js')
const { allowedInline } = require('./accepted.js')

const CONTEXT_LINES = 2
// Commits whose diff adds or removes a line matching this are the only ones git prints: it
// skips the patch text of every other commit (much less to read on a large history).
const PICKAXE = '[0-9a-fA-F]{20}|CUSTOMERIO_|Basic [A-Za-z0-9+/]{16}|Bearer '
const COMMIT_MARK = '\u0001commit '

/** Findings in the files' current text: [{ file, line, kind, what, masked, secret }]. */
async function scanFiles(dir, paths, onText) {
  const findings = []
  const seen = new Set()
  for (const file of paths) {
    const text = await readText(dir, file)
    if (text === null) continue
    onText?.(file, text)
    const lines = text.split(/\r?\n/)
    for (let i = 0; i < lines.length; i++) {
      const before = lines.slice(Math.max(0, i - CONTEXT_LINES), i).join('\n')
      const found = detect(lines[i], before)
      if (found.length === 0) continue
      const allowed = allowedInline(lines[i], i > 0 ? lines[i - 1] : '')
      for (const finding of found) {
        // One report per file and secret, and per way it is written: accepted or not.
        const key = `${file}\0${finding.secret}\0${allowed}`
        if (seen.has(key)) continue
        seen.add(key)
        findings.push({ file, line: i + 1, ...finding, allowed })
      }
    }
  }
  return findings
}

/**
 * Findings in the lines each commit added, on every ref, oldest commit first:
 * [{ file, line, commit, kind, what, masked, secret }]. Resolves { findings, error } where
 * error is git's complaint when it failed.
 */
async function scanHistory(dir) {
  const findings = []
  const seen = new Set()
  let commit = null
  let file = null
  let lineNumber = 0
  let window = []
  // Lines left in the current hunk (old side, new side): a hunk line that starts with "+++ "
  // or "diff " is content, not a header, so headers are only recognized outside a hunk.
  let oldLeft = 0
  let newLeft = 0
  const args = [
    'log',
    '--all',
    '--reverse',
    '-p',
    '-U2',
    '--no-ext-diff',
    '--no-textconv',
    '--no-renames',
    '--src-prefix=a/',
    '--dst-prefix=b/',
    `--format=${COMMIT_MARK}%H`,
    `-G${PICKAXE}`,
    '--',
    '.',
  ]
  const result = await gitLines(dir, args, (line) => {
    if (oldLeft > 0 || newLeft > 0) {
      const sign = line[0]
      if (sign === '\\') return
      if (sign !== '-') newLeft--
      if (sign !== '+') oldLeft--
      if (sign === '-' || file === null) return
      const text = line.slice(1)
      if (sign === '+') {
        const found = detect(text, window.join('\n'))
        const allowed = found.length > 0 && allowedInline(text, window.at(-1))
        for (const finding of found) {
          const key = `${file}\0${finding.secret}\0${allowed}`
          if (seen.has(key)) continue
          seen.add(key)
          findings.push({ file, line: lineNumber, commit, ...finding, allowed })
        }
      }
      window.push(text.length > 4096 ? text.slice(0, 4096) : text)
      if (window.length > CONTEXT_LINES) window.shift()
      lineNumber++
    } else if (line.startsWith(COMMIT_MARK)) {
      commit = line.slice(COMMIT_MARK.length)
      file = null
    } else if (line.startsWith('diff --git ')) {
      file = null
    } else if (line.startsWith('+++ ')) {
      file = line === '+++ /dev/null' ? null : unquote(line.slice(4)).replace(/^b\//, '')
    } else if (line.startsWith('@@ ')) {
      const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line)
      if (m === null) return
      oldLeft = m[1] === undefined ? 1 : Number(m[1])
      newLeft = m[3] === undefined ? 1 : Number(m[3])
      lineNumber = Number(m[2])
      window = []
    }
  })
  // 128 with "does not have any commits yet" style messages is still "nothing to report".
  return { findings, code: result.code, stderr: result.stderr, error: result.error }
}

// Paths with unusual characters come quoted ("b/a\tb"); only the quotes need going for a report.
function unquote(text) {
  return text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text
}

module.exports = { scanFiles, scanHistory }
