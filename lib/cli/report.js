'use strict'

// What the sanitize command says on stderr: the progress line and the end-of-run summary.
// Counts, actions, rule names and path patterns, never a value. A pattern is made of the input's
// keys, so the native side shows a key that looks like personal data or an id as `<redacted>`,
// and here a pattern holding a control, bidirectional or invisible character is printed quoted,
// with those characters as \uXXXX: a key cannot move the cursor, reorder the line or fake a
// line of the summary.

/** Path patterns shown under each rule; the rest are summed on one line. */
const SHOWN_PATHS = 5

/**
 * The progress line: records so far and the rate. Pure, so it can be tested without a terminal.
 * `elapsedMs` under 1 counts as 1 (the first update can come before a millisecond passes).
 */
function formatProgress(records, elapsedMs) {
  const perSecond = Math.round((records * 1000) / Math.max(elapsedMs, 1))
  return `sanitize: ${records} records, ${perSecond} records/s`
}

/**
 * The summary lines: totals, then one line per action and rule, most frequent first, each with
 * the path patterns where it happened (the first SHOWN_PATHS, then the rest summed). `summary` is
 * the bulk run's (`{ records, written, malformed, changes: [{ action, rule, count, paths }],
 * stoppedAt }`); `unit` is `line`, or `row` for CSV.
 */
function formatSummary(summary, { onError, unit = 'line' }) {
  let head = `customerio-security sanitize: ${summary.records} records read, ${summary.written} written, ${summary.malformed} malformed`
  if (summary.stoppedAt !== null) head += ` (stopped at ${unit} ${summary.stoppedAt})`
  else if (summary.malformed > 0 && onError === 'skip') head += ' (skipped)'
  const rows = [...summary.changes].sort(
    (a, b) => b.count - a.count || (`${a.action} ${a.rule}` < `${b.action} ${b.rule}` ? -1 : 1),
  )
  if (rows.length === 0) return `${head}\n  no changes\n`
  let text = `${head}\n`
  for (const { action, rule, count, paths = [] } of rows) {
    text += `  ${action} ${rule}: ${count}\n`
    for (const { path, count } of paths.slice(0, SHOWN_PATHS)) text += `      at ${shownPattern(path)}: ${count}\n`
    const rest = paths.slice(SHOWN_PATHS)
    if (rest.length > 0) {
      const sum = rest.reduce((total, { count }) => total + count, 0)
      text += `      and ${rest.length} more paths: ${sum}\n`
    }
  }
  return text
}

// C0 and C1 controls, DEL, line and paragraph separators, zero-width and bidirectional marks.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters this looks for
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE.source)

/** A pattern as printed: `(top level)` for a document that is a bare value; quoted, with \uXXXX escapes, when it holds a character a terminal would act on. */
function shownPattern(path) {
  if (path === '') return '(top level)'
  if (!HAS_UNPRINTABLE.test(path)) return path
  const escaped = path
    .replace(/["\\]/g, (c) => `\\${c}`)
    .replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
  return `"${escaped}"`
}

const REDRAW_MS = 250

/**
 * The progress line on a terminal: rewritten in place with \r, at most every 250 ms. The first
 * update draws at once, so even a short run shows it (and tests need no timing).
 */
class Progress {
  constructor(stream) {
    this.stream = stream
    this.start = performance.now()
    this.last = -Infinity
    this.shown = false
  }

  update(records) {
    const now = performance.now()
    if (now - this.last < REDRAW_MS) return
    this.last = now
    this.stream.write(`\r${formatProgress(records, now - this.start)}\x1b[K`)
    this.shown = true
  }

  /** Erases the line, before an error message or the summary is written over it. */
  clear() {
    if (!this.shown) return
    this.stream.write('\r\x1b[K')
    this.shown = false
  }
}

module.exports = { Progress, formatProgress, formatSummary }
