// The chaos test's journal: one append-only file that both receivers and the test write to, one
// line per fact, and the analysis that counts what happened from it afterwards.
//
// Each line is written by one appendFileSync (O_APPEND, well under a page), so lines never mix and
// their order in the file is the order in which they were written, across processes. That order
// is the time line the analysis uses; the millisecond stamps are only for people.
//
//   start <eventId> <pid> <t> <run>              a handler run began (run = `<pid>-<n>`)
//   end <eventId> <pid> <t> <status> <run>       it answered, with this status
//   store-error <phase> <eventId|-> <pid> <t>    onDedupeError(error, phase): claim, read,
//                                                commit, release (or a phase a later version adds)
//   killed <pid> <t>                             the test's kill -9 of that receiver, written once
//                                                the process is gone: its open runs end here
//   fault <name> <t> [detail]                    the test's fault schedule, for the report

import { appendFileSync, closeSync, openSync, readSync, readFileSync } from 'node:fs'

export function appendLine(path, ...fields) {
  appendFileSync(path, `${fields.join(' ')}\n`)
}

/** Reads the journal as it grows: `read()` returns the complete lines added since the last call. */
export function tail(path) {
  let offset = 0
  let rest = ''
  const buffer = Buffer.alloc(1 << 16)
  return {
    read() {
      const fd = openSync(path, 'r')
      try {
        let text = ''
        for (;;) {
          const n = readSync(fd, buffer, 0, buffer.length, offset)
          if (n === 0) break
          offset += n
          text += buffer.toString('utf8', 0, n)
        }
        const lines = (rest + text).split('\n')
        rest = lines.pop()
        return lines
      } finally {
        closeSync(fd)
      }
    },
  }
}

export function readLines(path) {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
}

const ok = (status) => status >= 200 && status < 300

/**
 * Counts, per event of `eventIds`, the handler runs that ended in a 2xx ("handled"), and checks:
 * - never: events with no such run (a run cut short by `killed` is not one);
 * - more than once: events with several; each extra one is "explained" when, before it started,
 *   the journal holds as many commit failures (store-error commit) of that event as there were
 *   handled runs before it - the one case docs/webhooks.md documents;
 * - overlaps: a run that started while another run of the same event was still open (started,
 *   neither ended nor killed).
 */
export function analyseJournal(lines, eventIds) {
  const events = new Map(eventIds.map((id) => [id, { handled: 0, commitFailures: 0, open: new Map(), runs: 0 }]))
  const runs = new Map()
  const overlaps = []
  const extras = []
  const storeErrors = {}
  const faults = []
  const strange = []
  let killedRuns = 0
  let failedRuns = 0
  for (const [index, line] of lines.entries()) {
    const [kind, ...f] = line.split(' ')
    if (kind === 'start') {
      const [id, pid, , run] = f
      const event = events.get(id)
      if (event === undefined) {
        strange.push(line)
        continue
      }
      event.runs++
      if (event.open.size > 0) overlaps.push({ event: id, run, pid: Number(pid), during: [...event.open.keys()] })
      const record = { id, pid: Number(pid), index, commitFailuresBefore: event.commitFailures }
      event.open.set(run, record)
      runs.set(run, record)
    } else if (kind === 'end') {
      const [id, , , status, run] = f
      const record = runs.get(run)
      const event = events.get(id)
      if (record === undefined || event === undefined || !event.open.has(run)) {
        strange.push(line)
        continue
      }
      event.open.delete(run)
      if (!ok(Number(status))) {
        failedRuns++
        continue
      }
      event.handled++
      if (event.handled >= 2) {
        // Every handled run before this one must have lost its commit before this one began.
        const explained = record.commitFailuresBefore >= event.handled - 1
        extras.push({ event: id, run, explained, commitFailuresBefore: record.commitFailuresBefore })
      }
    } else if (kind === 'store-error') {
      const [phase, id] = f
      storeErrors[phase] = (storeErrors[phase] || 0) + 1
      if (phase === 'commit' && events.has(id)) events.get(id).commitFailures++
    } else if (kind === 'killed') {
      const pid = Number(f[0])
      for (const event of events.values()) {
        for (const [run, record] of event.open) {
          if (record.pid === pid) {
            event.open.delete(run)
            killedRuns++
          }
        }
      }
    } else if (kind === 'fault') {
      faults.push(f.join(' '))
    } else {
      strange.push(line)
    }
  }
  const never = []
  const moreThanOnce = []
  let exactlyOnce = 0
  let openAtEnd = 0
  for (const [id, event] of events) {
    openAtEnd += event.open.size
    if (event.handled === 0) never.push(id)
    else if (event.handled === 1) exactlyOnce++
    else moreThanOnce.push(id)
  }
  const unexplained = [...new Set(extras.filter((extra) => !extra.explained).map((extra) => extra.event))]
  return {
    counts: {
      events: events.size,
      exactlyOnce,
      never: never.length,
      moreThanOnce: moreThanOnce.length,
      moreThanOnceUnexplained: unexplained.length,
      overlappingRuns: overlaps.length,
      eventsWithOverlaps: new Set(overlaps.map((overlap) => overlap.event)).size,
    },
    runs: {
      started: [...events.values()].reduce((sum, event) => sum + event.runs, 0),
      failed: failedRuns,
      killed: killedRuns,
      openAtEnd,
    },
    storeErrors,
    faults,
    lists: { never, moreThanOnce, unexplained, overlapping: [...new Set(overlaps.map((overlap) => overlap.event))] },
    examples: {
      never: never.slice(0, 10),
      moreThanOnce: moreThanOnce.slice(0, 10),
      unexplained: unexplained.slice(0, 10),
      overlaps: overlaps.slice(0, 5),
      strangeLines: strange.slice(0, 5),
    },
    strangeLines: strange.length,
  }
}
