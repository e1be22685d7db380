'use strict'

// What the sanitize command says on stderr: the progress line and the end-of-run summary.
// Only counts, actions and rule names: never a value, never a path (a path is made of the
// input's own keys). The counts come from the native bulk session, one entry per rule.

/**
 * The progress line: records so far and the rate. Pure, so it can be tested without a terminal.
 * `elapsedMs` under 1 counts as 1 (the first update can come before a millisecond passes).
 */
function formatProgress(records, elapsedMs) {
  const perSecond = Math.round((records * 1000) / Math.max(elapsedMs, 1))
  return `sanitize: ${records} records, ${perSecond} records/s`
}

/**
 * The summary lines: totals, then one line per action and rule, most frequent first. `summary`
 * is the bulk run's (`{ records, written, malformed, changes: [{ action, rule, count }],
 * stoppedAt }`); `unit` is `line`, or `row` for CSV.
 */
function formatSummary(summary, { onError, unit = 'line' }) {
  let head = `customerio-security sanitize: ${summary.records} records read, ${summary.written} written, ${summary.malformed} malformed`
  if (summary.stoppedAt !== null) head += ` (stopped at ${unit} ${summary.stoppedAt})`
  else if (summary.malformed > 0 && onError === 'skip') head += ' (skipped)'
  const rows = summary.changes
    .map(({ action, rule, count }) => [`${action} ${rule}`, count])
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
  if (rows.length === 0) return `${head}\n  no changes\n`
  return `${head}\n${rows.map(([name, count]) => `  ${name}: ${count}\n`).join('')}`
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
