'use strict'

// What `erase` shows while it runs, on stderr: on a terminal a bar redrawn in place (at most
// every 250 ms); otherwise (a log, CI) a plain line at most every 2 s. Counts only, never an id.

const BAR_WIDTH = 24
const REDRAW_MS = 250
const LINE_MS = 2000

/** The progress text. Pure, so it can be tested without a terminal. */
function formatEraseProgress({ done, failed, skipped, duplicates = 0, inFlight, total }, elapsedMs, bar) {
  // `total` counts input lines, duplicates included.
  const finished = done + failed + skipped + duplicates
  const perSecond = Math.round(((done + failed) * 1000) / Math.max(elapsedMs, 1))
  const counts = `${done} done, ${failed} failed, ${skipped} skipped, ${inFlight} in flight, ${perSecond}/s`
  if (total === undefined || total === 0) return `erase: ${finished} ids: ${counts}`
  const share = Math.min(1, finished / total)
  const head = `erase: ${finished}/${total} (${Math.floor(share * 100)}%)`
  if (!bar) return `${head}: ${counts}`
  const filled = Math.round(share * BAR_WIDTH)
  return `erase [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${finished}/${total}: ${counts}`
}

class EraseProgress {
  constructor(stream) {
    this.stream = stream
    this.tty = Boolean(stream.isTTY)
    this.start = performance.now()
    this.last = -Infinity
    this.shown = false
    this.latest = null
  }

  update(report) {
    this.latest = report
    const now = performance.now()
    if (now - this.last < (this.tty ? REDRAW_MS : LINE_MS)) return
    this.last = now
    this.draw(now)
  }

  draw(now = performance.now()) {
    if (this.latest === null) return
    const text = formatEraseProgress(this.latest, now - this.start, this.tty)
    if (this.tty) {
      this.stream.write(`\r${text}\x1b[K`)
      this.shown = true
    } else {
      this.stream.write(`${text}\n`)
    }
  }

  /** The final state, then the terminal line ended so the summary starts on its own line. */
  finish() {
    this.draw()
    if (this.tty && this.shown) this.stream.write('\n')
  }
}

module.exports = { EraseProgress, formatEraseProgress }
