'use strict'

// `customerio-security sanitize [FILE]`: NDJSON (or CSV) in, sanitized out, on every core. The
// bytes go to the native bulk session in pieces (no JS objects, no line splitting in JS); each
// piece is sanitized on threads while the next one is read, and the output is written in input
// order, waiting for the consumer when it is slow, so memory stays bounded by a few pieces and
// their output (a gzip piece can inflate to much more than it holds), plus the longest record.

const fs = require('node:fs')
const { PREFIX, describeIoError } = require('../errors.js')
const { BulkRun, defaultJobs, settings } = require('../sanitize/bulk.js')
const { loadPolicy } = require('./policy-file.js')
const { Progress, formatSummary } = require('./report.js')
const { EXIT_OK, EXIT_FAILED, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security sanitize [options] [FILE]

Reads NDJSON (one JSON record per line) from FILE, or from stdin when FILE is
absent or '-', and writes each record sanitized to stdout, one per line, in order.
The records are sanitized in Rust with the same rules as sanitizeJson(), on every
core. Gzip input is recognised by its first bytes, whatever the file is called.

Options:
  --policy FILE         a JSON SanitizerPolicy (default: the default policy); the
                        pepper key comes from an environment variable:
                        "pepper": { "keyEnv": "CIO_PEPPER", "keyId": "k1" }
  --on-error stop|skip  a record that cannot be sanitized (invalid JSON, too deep,
                        a limit under "limits": "error", a CSV row with the wrong
                        number of fields): stop there and exit 1 (stop, the
                        default), or leave it out and go on (skip)
  --format ndjson|csv   the input's format (default ndjson); csv: RFC 4180 with a
                        header row, sanitized by column name, written with CRLF
  -o, --output FILE     write to FILE instead of stdout; gzip when FILE ends in .gz
  --jobs N              threads to sanitize on (default: one per CPU, here ${defaultJobs()})
  --quiet               no progress line and no summary (errors are still shown)
  -h, --help            show this help

Input lines end with \\n or \\r\\n (the last one may have none); output lines end
with \\n. Blank lines are skipped. A record that cannot be sanitized is reported on
stderr with its line number (row number for CSV, the header being row 1) and
error code, never its content. Input that is not valid gzip, or gzip that ends
early, ends the run the same way (ERR_INVALID_GZIP, ERR_TRUNCATED_GZIP), whatever
--on-error says. The output, gzip too, is the same byte for byte whatever --jobs
is. While it runs, a progress line (records/s) is drawn on stderr if stderr is a
terminal and the records do not go to it. At the end a summary of counts (records,
and changes by action and rule, each with the path patterns where they were made,
never a value) goes to stderr.

Exit status: 0 done (also when records were skipped under --on-error skip; the
summary counts them), 1 stopped at a record or input that cannot be read, 2 usage
error, or an input, output or policy file that cannot be opened.
`

// Pieces of input handed to the native side: a piece is cut into one part per thread.
const PIECE_BYTES = 1 << 20

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const policy = options.policy === undefined ? undefined : loadPolicy(options.policy, io.env)
  const config = configure(options, policy)
  const input = await openInput(options.file, io.stdin)
  const output = await openOutput(options.output, io.stdout)
  try {
    return await sanitizeStream(input, new BulkRun(config), options, output, io)
  } finally {
    await output.close()
  }
}

function parseOptions(args) {
  const { values, positionals } = parseCommandLine(args, {
    policy: { type: 'string' },
    'on-error': { type: 'string', default: 'stop' },
    format: { type: 'string', default: 'ndjson' },
    output: { type: 'string', short: 'o' },
    jobs: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values['on-error'] !== 'stop' && values['on-error'] !== 'skip') {
    throw new UsageError(`--on-error must be 'stop' or 'skip'`)
  }
  if (values.format !== 'ndjson' && values.format !== 'csv') throw new UsageError(`--format must be 'ndjson' or 'csv'`)
  let jobs = defaultJobs()
  if (values.jobs !== undefined) {
    jobs = /^[1-9]\d{0,2}$/.test(values.jobs) ? Number(values.jobs) : NaN
    if (!(jobs <= 256)) throw new UsageError('--jobs must be a whole number from 1 to 256')
  }
  if (positionals.length > 1) throw new UsageError('at most one input FILE')
  if (values.output === '') throw new UsageError('--output needs a FILE')
  return {
    policy: values.policy,
    onError: values['on-error'],
    format: values.format,
    output: values.output ?? null,
    jobs,
    quiet: values.quiet,
    help: values.help,
    file: positionals.length === 0 ? null : positionals[0],
  }
}

function configure(options, policy) {
  try {
    return settings(
      {
        policy,
        jobs: options.jobs,
        format: options.format,
        onError: options.onError,
        gzip: options.output !== null && options.output.endsWith('.gz'),
        // The counts are only read by the summary, which --quiet does not print.
        counts: !options.quiet,
      },
      { onError: 'stop' },
    )
  } catch (error) {
    if (typeof error?.code !== 'string' || options.policy === undefined) throw error
    throw new UsageError(`${options.policy}: ${error.code}: ${messageOf(error)}`)
  }
}

/** The file as a stream (checked readable first, so a bad path is a usage error), or stdin. */
async function openInput(file, stdin) {
  if (file === null) {
    // Waiting on a keyboard for NDJSON is almost always a forgotten FILE; '-' still reads it.
    if (stdin.isTTY) throw new UsageError("no input: give a FILE, pipe NDJSON to stdin, or pass '-' to type it")
    return { stream: stdin, name: 'stdin' }
  }
  if (file === '-') return { stream: stdin, name: 'stdin' }
  let handle
  try {
    handle = await fs.promises.open(file, 'r')
    if ((await handle.stat()).isDirectory()) throw Object.assign(new Error(), { code: 'EISDIR' })
  } catch (error) {
    await handle?.close()
    throw new UsageError(`cannot read ${file}: ${describeIoError(error)}`)
  }
  return { stream: handle.createReadStream({ highWaterMark: PIECE_BYTES }), name: file }
}

/** stdout, or the -o file (opened before any input is read, so a bad path is a usage error). */
async function openOutput(file, stdout) {
  if (file === null) return { stream: stdout, toTerminal: stdout.isTTY === true, close: async () => {} }
  let handle
  try {
    handle = await fs.promises.open(file, 'w')
  } catch (error) {
    throw new UsageError(`cannot write ${file}: ${describeIoError(error)}`)
  }
  const stream = handle.createWriteStream()
  return {
    stream,
    toTerminal: false,
    close: () =>
      new Promise((resolve) => {
        if (stream.closed) return resolve()
        stream.once('close', resolve)
        stream.end()
      }),
  }
}

/** The input's chunks joined into pieces of at least PIECE_BYTES (stdin comes in 64 KiB). */
async function* inPieces(stream) {
  let waiting = []
  let size = 0
  for await (const chunk of stream) {
    waiting.push(chunk)
    size += chunk.length
    if (size >= PIECE_BYTES) {
      yield waiting.length === 1 ? waiting[0] : Buffer.concat(waiting, size)
      waiting = []
      size = 0
    }
  }
  if (size > 0) yield Buffer.concat(waiting, size)
}

async function sanitizeStream(input, bulk, options, output, io) {
  const { stderr } = io
  // On a terminal only, and not when the records themselves go to that terminal (they would
  // be written over the progress line).
  const progress = options.quiet || !stderr.isTTY || output.toTerminal ? null : new Progress(stderr)
  const writer = watchOutput(output.stream)
  const pieces = inPieces(input.stream)
  const read = () =>
    pieces.next().catch((error) => {
      throw new UsageError(`cannot read ${input.name}: ${describeIoError(error)}`)
    })

  let next = read()
  let stopped = false
  while (!writer.closed) {
    const piece = await next
    let result
    if (piece.done) {
      result = await bulk.finish()
    } else {
      const pushing = bulk.push(piece.value)
      // Read the next piece while this one is sanitized on other threads.
      next = read()
      // A read that fails while this piece is pushed is reported when awaited, not unhandled.
      next.catch(() => {})
      result = await pushing
    }
    if (result.errors.length > 0) progress?.clear()
    for (const error of result.errors) {
      // The code and the sanitizer's message (a byte offset, a limit's name), never the record.
      stderr.write(`customerio-security sanitize: ${bulk.unit} ${error.line}: ${error.code}: ${messageOf(error)}\n`)
    }
    for (const buffer of result.output) await writer.write(buffer)
    progress?.update(result.records)
    if (result.stopped) stopped = true
    if (piece.done || result.stopped) break
  }
  // A read may still be pending (the piece after the last one used): end it rather than wait
  // for input that a stopped run does not need.
  input.stream.destroy()
  await pieces.return().catch(() => {})
  progress?.clear()

  // A reader that went away (`| head`) is not an error: stop quietly, as `cat` does.
  if (writer.closed && writer.error === null) return EXIT_OK
  if (writer.error !== null) {
    stderr.write(`customerio-security sanitize: cannot write the output: ${writer.error.code ?? writer.error.name}\n`)
    return EXIT_FAILED
  }
  const summary = bulk.summary()
  if (!options.quiet) stderr.write(formatSummary(summary, { onError: options.onError, unit: bulk.unit }))
  return stopped ? EXIT_FAILED : EXIT_OK
}

/** Writes with backpressure, and notes when the reader has gone (EPIPE) or writing failed. */
function watchOutput(stream) {
  const state = {
    closed: false,
    error: null,
    write(buffer) {
      if (state.closed || stream.write(buffer)) return undefined
      return new Promise((resolve) => {
        const done = () => {
          stream.off('drain', done)
          stream.off('close', done)
          stream.off('error', done)
          resolve()
        }
        stream.on('drain', done)
        stream.on('close', done)
        stream.on('error', done)
      })
    },
  }
  stream.on('error', (error) => {
    state.closed = true
    if (error.code !== 'EPIPE' && state.error === null) state.error = error
  })
  return state
}

function messageOf(error) {
  const message = String(error.message)
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message
}

module.exports = { usage, run }
