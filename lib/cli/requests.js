'use strict'

// `customerio-security requests status AUDIT_LOG`: every data subject request in the audit log,
// open or answered, with its legal deadline; overdue ones first; exit 1 if any is overdue.
// `requests record`: appends a request's receipt (or the extension of its deadline).

const { PREFIX } = require('../errors.js')
const { recordRequest, requestStatus } = require('../dsr/index.js')
const { auditKey } = require('./erase-env.js')
const { EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security requests status AUDIT_LOG [--now TIME] [--json]
       customerio-security requests record AUDIT_LOG --kind access|erasure
              (--id ID | --email EMAIL | --cio-id CIO_ID) --jurisdiction gdpr|ccpa
              [--received-at TIME] [--request-id ID] [--extended] [--actor NAME]

status  verifies the audit log's chain, then lists every request in it (receipts
        written by record, erasures by erase, exports by export-person), open
        ones and answered ones, each with its legal deadline:
          GDPR Art. 12(3): one month from receipt (three once extended with notice)
          CCPA: 45 days from receipt (90 once extended with notice)
        A request with no known jurisdiction is given GDPR's one month. An erasure
        still found by the App API afterwards (erase --verify) does not answer it.
        Overdue requests come first. Subjects are shown as the log holds them:
        keyed hashes, never identifiers.
record  appends a request's receipt (--extended: the extension of its deadline,
        once the person has been told), with the subject hashed.

Options:
  --now TIME          judge deadlines at TIME (ISO 8601) instead of now
  --json              one JSON object per line instead of the table
  --kind KIND         access or erasure
  --jurisdiction J    gdpr, uk-gdpr, ccpa or cpra
  --received-at TIME  when the request was received (default now)
  --request-id ID     the request's id (default: a new UUID; printed)
  --extended          record the extension of the deadline
  -h, --help          show this help

The key comes from CUSTOMERIO_AUDIT_KEY.

Exit status: 0 nothing overdue, 1 a request is overdue or the log does not verify,
2 usage error or the file cannot be read.
`

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const key = auditKey(io.env)
  return options.command === 'status' ? status(options, key, io) : record(options, key, io)
}

function status(options, { key }, io) {
  let result
  try {
    result = requestStatus(options.file, { key, now: options.now })
  } catch (error) {
    if (error?.code === 'ERR_AUDIT_LOG_INVALID') {
      io.stdout.write(`INVALID: ${options.file}: ${messageOf(error)}\n`)
      return EXIT_FAILED
    }
    if (typeof error?.code === 'string' && error.code.startsWith('ERR_'))
      throw new UsageError(`${error.code}: ${messageOf(error)}`)
    throw error
  }
  if (options.json) {
    for (const row of result.requests) io.stdout.write(`${JSON.stringify(row)}\n`)
  } else {
    const open = result.requests.filter((row) => row.state === 'open').length
    io.stdout.write(
      `${result.requests.length} requests: ${open} open (${result.overdue} overdue), ${result.requests.length - open} answered\n`,
    )
    for (const row of result.requests) io.stdout.write(`${line(row)}\n`)
  }
  return result.overdue > 0 ? EXIT_FAILED : EXIT_OK
}

function line(row) {
  const state = row.overdue
    ? 'OVERDUE'
    : row.state === 'open'
      ? 'open'
      : row.answeredLate
        ? 'answered LATE'
        : 'answered'
  const answered = row.answeredAt === null ? '' : ` answered ${row.answeredAt}`
  const why = row.reason === null ? '' : ` (last attempt: ${row.reason})`
  return `${state.padEnd(13)} ${row.kind.padEnd(7)} ${(row.jurisdiction ?? '-').padEnd(7)} received ${row.receivedAt} due ${row.deadline}${answered} subject ${row.subject} request ${row.requestId} [${row.rule}]${why}`
}

async function record(options, { key, keyId }, io) {
  const { openAuditLog } = require('../audit/index.js')
  let audit
  try {
    audit = openAuditLog(options.file, { key, keyId })
  } catch (error) {
    if (typeof error?.code !== 'string') throw error
    throw new UsageError(`the audit log ${options.file}: ${error.code}: ${messageOf(error)}`)
  }
  try {
    const requestId = await recordRequest(audit, {
      kind: options.kind,
      subject: options.subject,
      jurisdiction: options.jurisdiction,
      receivedAt: options.receivedAt,
      requestId: options.requestId,
      actor: options.actor,
      status: options.extended ? 'extended' : 'received',
    })
    io.stdout.write(`${requestId}\n`)
  } finally {
    await audit.close()
  }
  return EXIT_OK
}

function parseOptions(args) {
  const { values, positionals } = parseCommandLine(args, {
    now: { type: 'string' },
    json: { type: 'boolean', default: false },
    kind: { type: 'string' },
    id: { type: 'string' },
    email: { type: 'string' },
    'cio-id': { type: 'string' },
    jurisdiction: { type: 'string' },
    'received-at': { type: 'string' },
    'request-id': { type: 'string' },
    extended: { type: 'boolean', default: false },
    actor: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  })
  if (values.help) return { help: true }
  const [command, file, ...extra] = positionals
  if (command !== 'status' && command !== 'record')
    throw new UsageError("the first argument must be 'status' or 'record'")
  if (file === undefined) throw new UsageError(`requests ${command} needs the AUDIT_LOG file`)
  if (extra.length > 0) throw new UsageError('one audit log at a time')
  const options = { help: false, command, file, now: time('--now', values.now), json: values.json }
  if (command === 'status') return options
  if (values.kind !== 'access' && values.kind !== 'erasure')
    throw new UsageError("--kind must be 'access' or 'erasure'")
  const given = ['id', 'email', 'cio-id'].filter((name) => values[name] !== undefined)
  if (given.length !== 1) throw new UsageError('exactly one of --id, --email or --cio-id is required')
  if (values.jurisdiction === undefined)
    throw new UsageError('--jurisdiction is required (gdpr, uk-gdpr, ccpa or cpra): it sets the deadline')
  return {
    ...options,
    kind: values.kind,
    subject: values[given[0]],
    jurisdiction: values.jurisdiction,
    receivedAt: time('--received-at', values['received-at']),
    requestId: values['request-id'],
    extended: values.extended,
    actor: values.actor,
  }
}

function time(name, text) {
  if (text === undefined) return undefined
  const date = new Date(text)
  if (Number.isNaN(date.getTime())) throw new UsageError(`${name} must be an ISO 8601 time`)
  return date
}

function messageOf(error) {
  const message = String(error.message)
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message
}

module.exports = { run, usage }
