'use strict'

// Bulk sanitization off the event loop: a whole NDJSON export (`sanitizeNdjson`, a promise) or a
// stream of NDJSON or CSV (`createSanitizeStream`, a Transform). The input goes to the native
// bulk session in pieces; each piece is sanitized on libuv's thread pool and the core's threads,
// so the event loop only copies bytes in and hands buffers on. Gzip input is recognised by its
// magic bytes; the output is gzip when asked.

const os = require('node:os')
const { Transform } = require('node:stream')
const { types } = require('node:util')

const native = require('../native.js')
const { CustomerioSecurityError, PREFIX, fromNative, typeError } = require('../errors.js')
const { compilePolicy } = require('./compile.js')

const FORMATS = ['ndjson', 'csv']
const ON_ERROR = ['stop', 'skip']
const MAX_JOBS = 256
const OPTION_NAMES = new Set(['policy', 'jobs', 'format', 'onError', 'gzip', 'counts'])
// Each push copies its piece into the addon on the event loop (memcpy speed: about 0.1 ms per
// MiB); everything else runs on threads. A piece is cut into one part per thread, and parts
// under 128 KiB are not worth a thread, so pieces of 1 MiB keep every core busy.
const PIECE_BYTES = 1 << 20

/** Checks the options; `defaults.onError` differs between the promise and the stream. */
function settings(options, defaults) {
  if (options === undefined) options = {}
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw typeError('ERR_INVALID_OPTION', 'the options must be an object')
  }
  for (const name of Object.keys(options)) {
    if (!OPTION_NAMES.has(name)) throw typeError('ERR_INVALID_OPTION', `unknown option '${name.slice(0, 40)}'`)
  }
  const {
    policy,
    jobs = defaultJobs(),
    format = 'ndjson',
    onError = defaults.onError,
    gzip = false,
    counts = true,
  } = options
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) {
    throw typeError('ERR_INVALID_OPTION', `jobs must be an integer from 1 to ${MAX_JOBS}`)
  }
  if (!FORMATS.includes(format)) throw typeError('ERR_INVALID_OPTION', `format must be 'ndjson' or 'csv'`)
  if (!ON_ERROR.includes(onError)) throw typeError('ERR_INVALID_OPTION', `onError must be 'stop' or 'skip'`)
  if (typeof gzip !== 'boolean') throw typeError('ERR_INVALID_OPTION', 'gzip must be a boolean')
  if (typeof counts !== 'boolean') throw typeError('ERR_INVALID_OPTION', 'counts must be a boolean')
  return { compiled: compilePolicy(policy), jobs, format, onError, gzip, counts }
}

/** One thread per CPU the process may use. */
function defaultJobs() {
  return Math.min(os.availableParallelism?.() ?? os.cpus().length, MAX_JOBS)
}

/** One run of the native bulk session. Pushes must be awaited one at a time, in order. */
class BulkRun {
  constructor({ compiled, jobs, format, onError, gzip, counts }) {
    this.format = format
    this.onError = onError
    this.session = native.bulkCreate(compiled, jobs, format, onError, gzip, counts)
  }

  /** `{ output: Buffer[], errors, stopped, records }` for the next chunk of input. */
  push(chunk) {
    return native.bulkPush(this.session, chunk).catch(rethrow)
  }

  /** The end of the input: the last record, and whether a gzip stream was complete. */
  finish() {
    return native.bulkFinish(this.session).catch(rethrow)
  }

  /** `{ records, written, malformed, changes: [{ action, rule, count, paths: [{ path, count }] }], stoppedAt }`. */
  summary() {
    const { records, written, malformed, changes, stoppedAt } = native.bulkSummary(this.session)
    return { records, written, malformed, changes, stoppedAt: stoppedAt ?? null }
  }

  /** The word for a line number: CSV records are rows (a quoted field may hold line breaks). */
  get unit() {
    return this.format === 'csv' ? 'row' : 'line'
  }
}

function rethrow(error) {
  throw fromNative(error)
}

/** A record error as a coded error: its line (or row) number and code, never its text. */
function recordError(info, unit) {
  const message = info.message.startsWith(PREFIX) ? info.message.slice(PREFIX.length) : info.message
  const error = new CustomerioSecurityError(info.code, `${unit} ${info.line}: ${message}`)
  error.line = info.line
  return error
}

/**
 * Sanitizes a whole NDJSON export off the event loop; resolves `{ ndjson, errors, summary }`
 * like `sanitizer.sanitizeNdjson` (a string in gives a string out, bytes give a Buffer).
 */
async function sanitizeNdjson(input, options) {
  const asString = typeof input === 'string'
  if (!asString && !isBytes(input)) {
    throw typeError('ERR_INVALID_JSON_INPUT', 'sanitizeNdjson takes NDJSON text as a string, Buffer or Uint8Array')
  }
  const config = settings(options, { onError: 'skip' })
  if (config.format !== 'ndjson') throw typeError('ERR_INVALID_OPTION', "sanitizeNdjson takes format 'ndjson' only")
  const run = new BulkRun(config)
  const output = []
  const errors = []
  const take = ({ output: pieces, errors: failed }) => {
    output.push(...pieces)
    for (const { line, code, message } of failed) errors.push({ line, code, message })
  }
  for (const piece of pieces(input)) {
    const result = await run.push(piece)
    take(result)
    if (result.stopped) break
  }
  take(await run.finish())
  const joined = Buffer.concat(output)
  return { ndjson: asString && !config.gzip ? joined.toString('utf8') : joined, errors, summary: run.summary() }
}

/** The input in pieces of about PIECE_BYTES, as Buffers (a string cut between characters). */
function* pieces(input) {
  if (typeof input !== 'string') {
    const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
    for (let start = 0; start < bytes.length; start += PIECE_BYTES) yield bytes.subarray(start, start + PIECE_BYTES)
    return
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes.
  const step = Math.floor(PIECE_BYTES / 3)
  for (let start = 0; start < input.length; ) {
    let end = Math.min(start + step, input.length)
    // Never between the two halves of a surrogate pair: each half alone would become U+FFFD.
    const last = input.charCodeAt(end - 1)
    if (end < input.length && last >= 0xd800 && last <= 0xdbff) end += 1
    yield Buffer.from(input.slice(start, end), 'utf8')
    start = end
  }
}

function isBytes(value) {
  return !types.isProxy(value) && ArrayBuffer.isView(value) && value instanceof Uint8Array
}

/**
 * A Transform: bytes of NDJSON or CSV (plain or gzip) in, sanitized bytes out, in order.
 * Under `onError: 'stop'` (the default) a record that cannot be sanitized destroys the stream
 * with a coded error that has its `line`; under `'skip'` it is left out and a `lineError` event
 * (`{ line, code, message }`) reports it. `summary` is set when the stream ends.
 */
class SanitizeStream extends Transform {
  constructor(config) {
    super()
    this.run = new BulkRun(config)
    this.summary = null
    this.waiting = []
    this.waitingBytes = 0
    this.ended = false
  }

  _transform(chunk, encoding, callback) {
    if (this.ended) return callback()
    if (typeof chunk === 'string') chunk = Buffer.from(chunk, encoding)
    this.waiting.push(chunk)
    this.waitingBytes += chunk.length
    // Small chunks are gathered into pieces worth a thread (callback at once: no data is held
    // back from the writer's point of view beyond one piece).
    if (this.waitingBytes < PIECE_BYTES) return callback()
    this.pushWaiting().then(() => callback(), callback)
  }

  _flush(callback) {
    const flush = async () => {
      if (!this.ended) await this.pushWaiting()
      if (!this.ended) this.deliver(await this.run.finish())
      this.summary = this.run.summary()
    }
    flush().then(() => callback(), callback)
  }

  async pushWaiting() {
    if (this.waitingBytes === 0) return
    const piece = this.waiting.length === 1 ? this.waiting[0] : Buffer.concat(this.waiting, this.waitingBytes)
    this.waiting = []
    this.waitingBytes = 0
    this.deliver(await this.run.push(piece))
  }

  /** Passes the output on; throws the error that ended the run, if one did. */
  deliver({ output, errors, stopped }) {
    for (const piece of output) this.push(piece)
    if (stopped) this.ended = true
    const last = stopped ? errors.at(-1) : undefined
    for (const { line, code, message } of errors) {
      if (last !== undefined && line === last.line && code === last.code) break
      this.emit('lineError', { line, code, message })
    }
    if (last !== undefined) {
      this.summary = this.run.summary()
      throw recordError(last, this.run.unit)
    }
  }
}

function createSanitizeStream(options) {
  return new SanitizeStream(settings(options, { onError: 'stop' }))
}

module.exports = { BulkRun, createSanitizeStream, defaultJobs, sanitizeNdjson, settings }
