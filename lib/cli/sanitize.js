'use strict'

// `customerio-security sanitize [FILE]`: NDJSON in, sanitized NDJSON out. Each line goes to the
// Rust JSON sanitizer as bytes (no JS objects are built); the output is written one batch per
// input chunk, waiting for the consumer when it is slow, so memory stays bounded by one chunk
// plus the longest line.

const fs = require('node:fs')
const { createSanitizer } = require('../sanitize/index.js')
const { PREFIX } = require('../errors.js')
const { LineSplitter, isBlank, withoutBom } = require('./lines.js')
const { describeIoError } = require('../errors.js')
const { loadPolicy } = require('./policy-file.js')
const { Progress, Tally, formatSummary } = require('./report.js')
const { EXIT_OK, EXIT_FAILED, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security sanitize [options] [FILE]

Reads NDJSON (one JSON record per line) from FILE, or from stdin when FILE is
absent or '-', and writes each record sanitized to stdout, one per line, in order.
The records are sanitized in Rust with the same rules as sanitizeJson().

Options:
  --policy FILE         a JSON SanitizerPolicy (default: the default policy); the
                        pepper key comes from an environment variable:
                        "pepper": { "keyEnv": "CIO_PEPPER", "keyId": "k1" }
  --on-error stop|skip  a line that cannot be sanitized (invalid JSON, too deep,
                        a limit under "limits": "error"): stop there and exit 1
                        (stop, the default), or leave it out and go on (skip)
  --quiet               no progress line and no summary (errors are still shown)
  -h, --help            show this help

Input lines end with \\n or \\r\\n (the last one may have none); output lines end
with \\n. Blank lines are skipped. A line that cannot be sanitized is reported on
stderr with its line number and error code, never its content. While it runs, a
progress line (records/s) is drawn on stderr if stderr is a terminal and stdout is
not; at the end a summary of counts (records, and changes by action and rule, never
a value) goes to stderr.

Exit status: 0 done (also when lines were skipped under --on-error skip; the
summary counts them), 1 stopped at a line that cannot be sanitized, 2 usage
error, or an input or policy file that cannot be read.
`

const NEWLINE = Buffer.from('\n')
const CHUNK_BYTES = 1 << 20

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const sanitizer = compile(options.policy, io.env)
  const input = await openInput(options.file, io.stdin)
  return sanitizeStream(input, sanitizer, options, io)
}

function parseOptions(args) {
  const parsed = parseCommandLine(args, {
        policy: { type: 'string' },
        'on-error': { type: 'string', default: 'stop' },
        quiet: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      })
  const { values, positionals } = parsed
  if (values['on-error'] !== 'stop' && values['on-error'] !== 'skip') {
    throw new UsageError(`--on-error must be 'stop' or 'skip'`)
  }
  if (positionals.length > 1) throw new UsageError('at most one input FILE')
  const file = positionals.length === 0 ? null : positionals[0]
  return { policy: values.policy, onError: values['on-error'], quiet: values.quiet, help: values.help, file }
}

function compile(policyFile, env) {
  if (policyFile === undefined) return createSanitizer()
  const policy = loadPolicy(policyFile, env)
  try {
    return createSanitizer(policy)
  } catch (error) {
    if (typeof error?.code !== 'string') throw error
    throw new UsageError(`${policyFile}: ${error.code}: ${messageOf(error)}`)
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
  return { stream: handle.createReadStream({ highWaterMark: CHUNK_BYTES }), name: file }
}

async function sanitizeStream(input, sanitizer, options, io) {
  const { stdout, stderr } = io
  const tally = new Tally()
  // On a terminal only, and not when the records themselves go to that terminal (they would
  // be written over the progress line).
  const progress = options.quiet || !stderr.isTTY || stdout.isTTY ? null : new Progress(stderr)
  const splitter = new LineSplitter()
  let lineNumber = 0
  let stoppedAt = null
  const output = watchOutput(stdout)

  /** Sanitizes one line into `out`; false when the run must stop here. */
  function handle(line, out) {
    lineNumber += 1
    if (lineNumber === 1) line = withoutBom(line)
    if (isBlank(line)) return true
    tally.read += 1
    let result
    try {
      // The report is only read by the summary, and building its JS objects costs more than
      // the sanitizing itself: --quiet, which prints no summary, asks for the output alone.
      result = options.quiet ? { json: sanitizer.sanitizeJson(line), report: null } : sanitizer.sanitizeJsonWithReport(line)
    } catch (error) {
      if (typeof error?.code !== 'string') throw error
      tally.malformed += 1
      progress?.clear()
      // The code and the sanitizer's message (a byte offset, a limit's name), never the line.
      stderr.write(`customerio-security sanitize: line ${lineNumber}: ${error.code}: ${messageOf(error)}\n`)
      if (options.onError === 'stop') {
        stoppedAt = lineNumber
        return false
      }
      return true
    }
    out.push(result.json, NEWLINE)
    tally.written += 1
    if (result.report !== null) tally.add(result.report.changes)
    return true
  }

  const chunks = input.stream[Symbol.asyncIterator]()
  let going = true
  while (going && !output.closed) {
    let next
    try {
      next = await chunks.next()
    } catch (error) {
      throw new UsageError(`cannot read ${input.name}: ${describeIoError(error)}`)
    }
    const out = []
    if (next.done) {
      const last = splitter.end()
      if (last !== null) handle(last, out)
      going = false
    } else {
      for (const line of splitter.push(next.value)) {
        if (!handle(line, out)) {
          going = false
          break
        }
      }
    }
    if (out.length > 0) await output.write(Buffer.concat(out))
    progress?.update(tally.read)
  }
  await chunks.return?.()
  progress?.clear()

  // A reader that went away (`| head`) is not an error: stop quietly, as `cat` does.
  if (output.closed && output.error === null) return EXIT_OK
  if (output.error !== null) {
    stderr.write(`customerio-security sanitize: cannot write the output: ${output.error.code ?? output.error.name}\n`)
    return EXIT_FAILED
  }
  if (!options.quiet) stderr.write(formatSummary(tally, { onError: options.onError, stoppedAt }))
  return stoppedAt === null ? EXIT_OK : EXIT_FAILED
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
