'use strict'

// `customerio-security audit-log verify FILE [--head HEAD]` and `audit-log head FILE`: check an
// erasure audit log's chain (key from CUSTOMERIO_AUDIT_KEY) and print its head for anchoring.

const fs = require('node:fs')
const { PREFIX } = require('../errors.js')
const { auditKey } = require('./erase-env.js')
const { describeIoError } = require('../errors.js')
const { EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security audit-log verify FILE [--head HEAD]
       customerio-security audit-log head FILE

verify  checks every record of the audit log FILE: its HMAC (an edit, or a record
        forged without the key), its sequence and its link to the previous record
        (a deletion or a reorder). With --head SEQ:MAC (a head saved elsewhere
        earlier, by 'head' or by 'erase'), it also detects records cut off the end.
        Prints the verdict; on a problem, the first bad record's line and why.
head    verifies FILE, then prints its head (SEQ:MAC) on stdout: store it somewhere
        the log's writers cannot change, to detect truncation later.

The key comes from CUSTOMERIO_AUDIT_KEY.

Exit status: 0 the log verifies, 1 it does not (tampered, truncated, or damaged),
2 usage error or the file cannot be read.
`

const EXPLAIN = {
  MALFORMED: 'a line is not a valid record (edited or damaged)',
  BAD_MAC: 'the record was edited, or forged without the key',
  OUT_OF_SEQUENCE: 'records were deleted or reordered',
  INCOMPLETE_LAST_LINE: 'the last record was cut off mid-write (a crash; the next append drops it)',
  TRUNCATED: 'records were cut off the end (fewer than the saved head)',
  HEAD_MISMATCH: 'the log was rewritten since the head was saved',
}

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const { key } = auditKey(io.env)
  const { verifyAuditLog, formatAuditHead } = require('../audit/index.js')
  const result = verify(verifyAuditLog, options.file, key, options.head)
  if (!result.valid) {
    const why = EXPLAIN[result.reason] ?? 'it does not verify'
    io.stdout.write(
      `INVALID: ${options.file}: record at line ${result.firstBadRecord}: ${result.reason}: ${why} (${result.records} records verified before it)\n`,
    )
    return EXIT_FAILED
  }
  const head = result.head === null ? null : formatAuditHead(result.head)
  if (options.command === 'head') {
    if (head === null)
      io.stderr.write(`customerio-security audit-log: ${options.file} has no records yet, so no head\n`)
    else io.stdout.write(`${head}\n`)
    return EXIT_OK
  }
  const against = options.head === undefined ? '' : ', and matches the saved head'
  io.stdout.write(
    `valid: ${options.file}: ${result.records} records verified${against}; head ${head ?? 'none (empty log)'}\n`,
  )
  return EXIT_OK
}

function parseOptions(args) {
  const parsed = parseCommandLine(args, {
    head: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  })
  const { values, positionals } = parsed
  if (values.help) return { help: true }
  const [command, file, ...extra] = positionals
  if (command !== 'verify' && command !== 'head') throw new UsageError("the first argument must be 'verify' or 'head'")
  if (file === undefined) throw new UsageError(`audit-log ${command} needs the audit log FILE`)
  if (extra.length > 0) throw new UsageError('one audit log FILE at a time')
  if (command === 'head' && values.head !== undefined) throw new UsageError("--head goes with 'verify'")
  if (values.head !== undefined && !/^\d+:[0-9a-f]{64}$/.test(values.head)) {
    throw new UsageError('--head must be SEQ:MAC as printed by `audit-log head` (a number, a colon, 64 hex)')
  }
  return { help: false, command, file, head: values.head }
}

function verify(verifyAuditLog, file, key, head) {
  try {
    // Read errors first, as a usage error: verifyAuditLog's own would quote the path with errno text.
    const stat = fs.statSync(file)
    if (stat.isDirectory()) throw Object.assign(new Error('directory'), { code: 'EISDIR' })
  } catch (error) {
    throw new UsageError(`cannot read the audit log ${file}: ${describeIoError(error)}`)
  }
  try {
    return verifyAuditLog(file, { key, ...(head === undefined ? {} : { expectedHead: head }) })
  } catch (error) {
    if (typeof error?.code !== 'string') throw error
    const message = String(error.message)
    throw new UsageError(`${error.code}: ${message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message}`)
  }
}

module.exports = { run, usage }
