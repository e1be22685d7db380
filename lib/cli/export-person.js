'use strict'

// `customerio-security export-person`: answers an access request (GDPR Art. 15, CCPA's right to
// know) with a JSON file and an HTML summary of everything the App API holds on the person.

const { PREFIX } = require('../errors.js')
const { exportPerson } = require('../dsr/index.js')
const { appClient, appCredentials } = require('./app-env.js')
const { auditKey } = require('./erase-env.js')
const { EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security export-person (--id ID | --email EMAIL | --cio-id CIO_ID) --out DIR [options]

Exports everything Customer.io's App API holds on one person (attributes, segments,
message deliveries, activities) to DIR/person-export-REQUEST_ID.json (with a manifest:
what was asked, when, which calls, counts) and a printable .html summary. By email,
every profile with that email is exported. Requests stay under the App API's 10/s;
429, 5xx and dropped connections are retried, honouring Retry-After.
Customer.io keeps activities for the last 30 days only: the export says so.

Options:
  --id ID | --email EMAIL | --cio-id CIO_ID   the person (exactly one)
  --out DIR              where to write the files (created, mode 0700; files 0600)
  --region us|eu         the workspace's region (default: CUSTOMERIO_REGION, else us)
  --request-id ID        names the files and the audit record (default: a new UUID)
  --audit FILE           append an 'access' record to this audit log (key from
                         CUSTOMERIO_AUDIT_KEY); pair it with 'requests status'
  --jurisdiction NAME    gdpr or ccpa, for the audit record's deadline
  --received-at TIME     when the request was received (ISO 8601; default now)
  --actor NAME           who ran the export, for the audit record
  --quiet                no progress
  -h, --help             show this help

Environment:
  CUSTOMERIO_APP_API_KEY    the App API key (required; 32 hex)
  CUSTOMERIO_REGION         us (default) or eu
  CUSTOMERIO_APP_API_URL    base URL override ending in /v1 (a proxy, a test server;
                            https, or http to a loopback host)
  CUSTOMERIO_AUDIT_KEY      the audit log key (with --audit)

Progress goes to stderr on a terminal; the two files' paths and the counts to stdout
(never an identifier or a value).

Exit status: 0 exported (also when nobody was found: the files say so), 1 the App API
failed after retries (no partial file is left), 2 usage error.
`

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const credentials = await appCredentials(io.env, {
    region: options.region,
    warn: (message) => io.stderr.write(`customerio-security export-person: warning: ${message}\n`),
  })
  const audit = options.audit === undefined ? undefined : openAudit(options.audit, auditKey(io.env))
  const client = appClient(credentials, 'export-person')
  const progress = !options.quiet && io.stderr.isTTY ? terminalProgress(io.stderr) : null
  let result
  try {
    result = await exportPerson(client, options.identifier, {
      out: options.out,
      region: credentials.region,
      requestId: options.requestId,
      receivedAt: options.receivedAt,
      jurisdiction: options.jurisdiction,
      actor: options.actor,
      audit,
      onProgress: progress === null ? undefined : progress.update,
    })
  } catch (error) {
    progress?.finish()
    await audit?.close()
    if (typeof error?.code === 'string' && error.code.startsWith('ERR_APP_API')) {
      io.stderr.write(`customerio-security export-person: ${error.code}: ${messageOf(error)}\n`)
      return EXIT_FAILED
    }
    if (error?.code === 'ERR_AUDIT_WRITE') {
      io.stderr.write(`customerio-security export-person: ${error.code}: ${messageOf(error)}\n`)
      return EXIT_FAILED
    }
    if (error?.name === 'CustomerioSecurityTypeError') throw new UsageError(`${error.code}: ${messageOf(error)}`)
    throw error
  }
  progress?.finish()
  await audit?.close()
  const { counts } = result.manifest
  io.stdout.write(
    `customerio-security export-person: ${counts.people} ${counts.people === 1 ? 'person' : 'people'} found: ${counts.attributes} attributes, ${counts.segments} segments, ${counts.deliveries} deliveries, ${counts.activities} activities\n`,
  )
  io.stdout.write(`${result.jsonPath}\n${result.htmlPath}\n`)
  return EXIT_OK
}

function parseOptions(args) {
  const { values } = parseCommandLine(
    args,
    {
      id: { type: 'string' },
      email: { type: 'string' },
      'cio-id': { type: 'string' },
      out: { type: 'string' },
      region: { type: 'string' },
      'request-id': { type: 'string' },
      audit: { type: 'string' },
      jurisdiction: { type: 'string' },
      'received-at': { type: 'string' },
      actor: { type: 'string' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  )
  if (values.help) return { help: true }
  const given = ['id', 'email', 'cio-id'].filter((name) => values[name] !== undefined)
  if (given.length !== 1) throw new UsageError('exactly one of --id, --email or --cio-id is required')
  const name = given[0]
  if (values[name].trim() === '') throw new UsageError(`--${name} must not be blank`)
  if (values.out === undefined || values.out === '') throw new UsageError('--out DIR is required')
  if (values.region !== undefined && values.region !== 'us' && values.region !== 'eu')
    throw new UsageError("--region must be 'us' or 'eu'")
  let receivedAt
  if (values['received-at'] !== undefined) {
    receivedAt = new Date(values['received-at'])
    if (Number.isNaN(receivedAt.getTime())) throw new UsageError('--received-at must be an ISO 8601 time')
  }
  return {
    help: false,
    identifier: { [name === 'cio-id' ? 'cio_id' : name]: values[name] },
    out: values.out,
    region: values.region,
    requestId: values['request-id'],
    audit: values.audit,
    jurisdiction: values.jurisdiction,
    receivedAt,
    actor: values.actor,
    quiet: values.quiet,
  }
}

/** One line redrawn in place, at most every 250 ms: counts only. */
function terminalProgress(stream) {
  let last = -Infinity
  let latest = null
  const draw = () => {
    if (latest === null) return
    const { people, deliveries, activities, requests } = latest
    stream.write(
      `\rexport-person: ${people} found, ${deliveries} deliveries, ${activities} activities, ${requests} requests\x1b[K`,
    )
  }
  return {
    update(report) {
      latest = report
      const now = performance.now()
      if (now - last < 250) return
      last = now
      draw()
    },
    finish() {
      draw()
      if (latest !== null) stream.write('\n')
    },
  }
}

function openAudit(file, { key, keyId }) {
  const { openAuditLog } = require('../audit/index.js')
  try {
    return openAuditLog(file, { key, keyId })
  } catch (error) {
    if (typeof error?.code !== 'string') throw error
    throw new UsageError(`the audit log ${file}: ${error.code}: ${messageOf(error)}`)
  }
}

function messageOf(error) {
  const message = String(error.message)
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message
}

module.exports = { run, usage }
