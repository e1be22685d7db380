'use strict'

// The erasure journal: append-only JSONL that makes a bulk run resumable after any crash.
//
//   {"journal":"customerio-security-erasure","v":1,"mode":"suppress","probe":"<hash>"}   header
//   {"s":"<hash>"}                         started: written (fsync'd) before the first request
//   {"d":"<hash>"}                         done: written after the outcome (and its audit record)
//   {"f":"<hash>","st":429,"r":"http 429"} failed: tried again by the next run
//
// `<hash>` is the audit log's keyed subject hash of the id, never the id itself: the journal
// sits next to the audit log and must not hold the personal data that was erased. The header's
// probe is the hash of a fixed string, so a journal opened with another audit key (whose
// hashes would match nothing, and silently redo everything) is refused.
//
// Each line goes out in one write; a crash can only leave a torn last line, which reading
// ignores and opening cuts off (so the next line does not get glued to it).

const fs = require('node:fs')
const path = require('node:path')
const { CustomerioSecurityError, describeIoError } = require('../errors.js')
const { GroupCommitFile } = require('../durable/group-commit.js')

const KIND = 'customerio-security-erasure'
const VERSION = 1
const PROBE = 'customerio-security erasure journal probe'
const LF = 0x0a

class Journal {
  /**
   * Reads the journal at `file` (creating it when missing) and opens it for appending.
   * `hash(id)` is audit.subjectHash. Throws before anything is sent: ERR_JOURNAL_UNREADABLE,
   * ERR_JOURNAL_CORRUPT, ERR_JOURNAL_MISMATCH (another mode or audit key), ERR_JOURNAL_UNWRITABLE.
   */
  static async open(file, { mode, hash }) {
    const probe = hash(PROBE)
    const header = `${JSON.stringify({ journal: KIND, v: VERSION, mode, probe })}\n`
    const state = await readJournal(file)
    if (state.header !== null) checkHeader(state.header, file, { mode, probe })
    // No complete first line: a crash while the header was written leaves a prefix of it. Any
    // other content is some other file given by mistake, and is not overwritten.
    if (state.header === null && state.size > 0 && !header.startsWith(state.tail.toString('utf8'))) {
      throw corrupt(file, 1, 'it is not an erasure journal')
    }
    let handle
    try {
      // A torn tail is cut off first, so appends start on a fresh line.
      if (state.header !== null && state.goodLength < state.size) await fs.promises.truncate(file, state.goodLength)
      if (state.header === null && state.size > 0) await fs.promises.truncate(file, 0)
      handle = await fs.promises.open(file, 'a')
    } catch (error) {
      await handle?.close()
      throw new CustomerioSecurityError(
        'ERR_JOURNAL_UNWRITABLE',
        `cannot open the journal ${file} for appending: ${describeIoError(error)}`,
        { cause: error },
      )
    }
    const journal = new Journal(file, handle, state)
    if (state.header === null) {
      try {
        await journal.writer.append(header)
      } catch (error) {
        await journal.close().catch(() => {})
        throw error
      }
      await syncDirectory(file)
    }
    return journal
  }

  constructor(file, handle, state) {
    this.file = file
    this.writer = new GroupCommitFile(handle, `journal ${file}`)
    this.doneSet = state.done
    /** What the previous runs left: done ids, and ids started but never finished (a crash). */
    this.previous = {
      done: state.done.size,
      unfinished: state.pending.size,
      tornTail: state.goodLength < state.size && state.header !== null,
    }
  }

  /** True when an earlier run recorded this subject hash as done. */
  isDone(hash) {
    return this.doneSet.has(hash)
  }

  started(hash) {
    return this.writer.append(`{"s":"${hash}"}\n`)
  }

  /** Several started lines in one append (a batch request carries many ids). */
  startedMany(hashes) {
    return this.writer.append(hashes.map((hash) => `{"s":"${hash}"}\n`).join(''))
  }

  done(hash) {
    this.doneSet.add(hash)
    return this.writer.append(`{"d":"${hash}"}\n`)
  }

  failed(hash, status, reason) {
    return this.writer.append(`${JSON.stringify({ f: hash, st: status, r: reason })}\n`)
  }

  close() {
    return this.writer.close()
  }
}

/**
 * Streams the file once: the header, the done hashes, the started-but-unfinished ones, and
 * the byte length up to the end of the last complete line. Memory is the set of done hashes.
 */
async function readJournal(file) {
  const state = { header: null, done: new Set(), pending: new Set(), size: 0, goodLength: 0, tail: Buffer.alloc(0) }
  let stream
  try {
    const handle = await fs.promises.open(file, 'r')
    stream = handle.createReadStream({ highWaterMark: 1 << 20 })
  } catch (error) {
    if (error?.code === 'ENOENT') return state
    throw unreadable(file, error)
  }
  let rest = Buffer.alloc(0)
  let lineNumber = 0
  try {
    for await (const chunk of stream) {
      state.size += chunk.length
      const data = rest.length > 0 ? Buffer.concat([rest, chunk]) : chunk
      let start = 0
      for (let end = data.indexOf(LF); end !== -1; end = data.indexOf(LF, start)) {
        lineNumber += 1
        readLine(state, data.subarray(start, end), lineNumber, file)
        state.goodLength += end - start + 1
        start = end + 1
      }
      rest = Buffer.from(data.subarray(start))
    }
  } catch (error) {
    if (error instanceof CustomerioSecurityError) throw error
    throw unreadable(file, error)
  } finally {
    stream.destroy()
  }
  // `rest` is a torn last line (no newline): a crash mid-write. Ignored.
  state.tail = rest
  return state
}

function readLine(state, bytes, lineNumber, file) {
  let record
  try {
    record = JSON.parse(bytes.toString('utf8'))
  } catch {
    record = null
  }
  if (record === null || typeof record !== 'object')
    throw corrupt(file, lineNumber, lineNumber === 1 ? 'it is not an erasure journal' : undefined)
  if (lineNumber === 1) {
    if (record.journal !== KIND) throw corrupt(file, lineNumber, 'it is not an erasure journal')
    state.header = record
    return
  }
  if (typeof record.s === 'string') state.pending.add(record.s)
  else if (typeof record.d === 'string') {
    state.done.add(record.d)
    state.pending.delete(record.d)
  } else if (typeof record.f === 'string') state.pending.delete(record.f)
  else throw corrupt(file, lineNumber)
}

function checkHeader(header, file, { mode, probe }) {
  if (header.v !== VERSION) {
    throw new CustomerioSecurityError(
      'ERR_JOURNAL_MISMATCH',
      `the journal ${file} has another format version (this version reads ${VERSION})`,
    )
  }
  if (header.mode !== mode) {
    throw new CustomerioSecurityError(
      'ERR_JOURNAL_MISMATCH',
      `the journal ${file} belongs to a run in another mode (not '${mode}'): use a new journal for another mode`,
    )
  }
  if (header.probe !== probe) {
    throw new CustomerioSecurityError(
      'ERR_JOURNAL_MISMATCH',
      `the journal ${file} was written under another audit key: its ids would not be recognized`,
    )
  }
}

/** After creating the file: its directory entry must be durable too, or a crash can lose the file. */
async function syncDirectory(file) {
  let dir
  try {
    dir = await fs.promises.open(path.dirname(path.resolve(file)), 'r')
    await dir.sync()
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is synced.
  } finally {
    await dir?.close()
  }
}

function unreadable(file, error) {
  return new CustomerioSecurityError(
    'ERR_JOURNAL_UNREADABLE',
    `cannot read the journal ${file}: ${describeIoError(error)}`,
    { cause: error },
  )
}

function corrupt(file, lineNumber, why = 'the line is not a journal record') {
  return new CustomerioSecurityError(
    'ERR_JOURNAL_CORRUPT',
    `the journal ${file} is damaged at line ${lineNumber}: ${why}`,
  )
}

module.exports = { Journal, PROBE }
