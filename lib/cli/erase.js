'use strict'

// `customerio-security erase`: erases every id of a file through customerio-node, resumably.
// Everything that can be wrong with the invocation (options, environment, the ids file, the
// journal, the audit log) is reported before the first request is sent.

const { PREFIX } = require('../errors.js')
const { ERASURE_MODES, eraseMany } = require('../erasure/index.js')
const { auditKey, trackCredentials } = require('./erase-env.js')
const { appClient, appCredentials } = require('./app-env.js')
const { checkIdsFile, lineNumbersOf, readIds } = require('./erase-ids.js')
const { EraseProgress } = require('./erase-progress.js')
const { EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security erase --ids FILE --journal FILE --audit FILE [options]

Erases every person listed in FILE (one id per line) from a Customer.io workspace
through the Track API, with retries, a rate cap, a crash-safe journal and a
tamper-evident audit record per person. Run it again with the same --journal
after a crash or a failure: ids already done are skipped, the others are retried.

Options:
  --ids FILE             the ids, one per line (blank ids or ids over 150 bytes
                         are reported by line number, and nothing is sent)
  --journal FILE         the resume journal (created if missing; holds keyed
                         hashes, never ids)
  --audit FILE           the audit log to append to (created if missing)
  --mode MODE            suppress (default: deletes the person and blocks the id
                         from coming back), destroy (deletes; the person can be
                         re-created by later data), or suppress-and-destroy
  --rate N               requests per second at most (default 100; Customer.io
                         allows 1000); 0 or off: no cap
  --concurrency N        requests in flight at most (default 10)
  --max-attempts N       tries per request for 429, 5xx and network errors
                         (default 5); other 4xx fail at once
  --region us|eu         the workspace's region (default: CUSTOMERIO_REGION, else us)
  --allow-insecure-track-url
                         accept an http:// CUSTOMERIO_TRACK_URL to another host
                         (the key then travels in cleartext)
  --batch                suppress/delete through the v2 batch endpoint
  --batch-size N         ids per batch request (default 100)
  --actor NAME           who ran the erasure, for the audit records
  --jurisdiction NAME    e.g. gdpr or ccpa, for the audit records
  --policy-version V     your retention policy's version, for the audit records
  --verify               after each erasure, ask the App API whether the person
                         can still be found (needs CUSTOMERIO_APP_API_KEY); the
                         answer goes in the audit record (verified, verified_at),
                         and a person still found is a failure
  --verify-wait SECONDS  how long a person may still be found before that is a
                         failure (Customer.io deletes asynchronously; default 60)
  --quiet                no progress
  -h, --help             show this help

Environment:
  CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY   Track API credentials (required;
                            read as loadCredentials reads them: 20 hex each,
                            surrounding whitespace trimmed with a warning)
  CUSTOMERIO_REGION         us (default) or eu
  CUSTOMERIO_AUDIT_KEY      the audit log's HMAC key (required)
  CUSTOMERIO_AUDIT_KEY_ID   the key's id written into records (default k1)
  CUSTOMERIO_TRACK_URL      base URL override ending in /api/v1 (a proxy, a test
                            server; https, or http to a loopback host); replaces
                            the region's
  CUSTOMERIO_APP_API_KEY    the App API key (with --verify)
  CUSTOMERIO_APP_API_URL    App API base URL override ending in /v1 (with --verify)

Progress goes to stderr (a bar on a terminal, a line every 2 s otherwise); the
summary and the audit log's new head (store it elsewhere: 'audit-log verify
--head' then detects truncation) go to stdout. Failed ids are listed by line
number and audit subject hash, never by value.

Exit status: 0 every id done (or already done), 1 some ids failed (listed), 2
usage error or bad input (nothing sent).
`

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const credentials = await trackCredentials(io.env, {
    allowInsecureTrackUrl: options.allowInsecureTrackUrl,
    warn: (message) => io.stderr.write(`customerio-security erase: warning: ${message}\n`),
  })
  const key = auditKey(io.env)
  const app = options.verify
    ? await appCredentials(io.env, {
        region: options.region,
        warn: (message) => io.stderr.write(`customerio-security erase: warning: ${message}\n`),
      })
    : null
  const total = await checkIdsFile(options.ids)
  const { TrackClient, RegionEU, RegionUS } = loadCustomerio()
  const { openAuditLog, formatAuditHead } = require('../audit/index.js')
  const audit = openAudit(openAuditLog, options.audit, key)
  let summary
  const progress = options.quiet ? null : new EraseProgress(io.stderr)
  try {
    const client = new TrackClient(credentials.siteId, credentials.apiKey, {
      // --region wins over CUSTOMERIO_REGION; either way CUSTOMERIO_TRACK_URL wins over both.
      region: (options.region ?? credentials.region) === 'eu' ? RegionEU : RegionUS,
      ...(credentials.url === undefined ? {} : { url: credentials.url }),
      // Our retry policy alone: attempts are HTTP requests, and a 429's Retry-After holds the whole run.
      retry: { maxRetries: 0 },
    })
    summary = await eraseMany(client, readIds(options.ids), {
      journal: options.journal,
      audit,
      mode: options.mode,
      ratePerSecond: options.rate,
      concurrency: options.concurrency,
      maxAttempts: options.maxAttempts,
      useBatchApi: options.batch,
      batchSize: options.batchSize,
      actor: options.actor,
      jurisdiction: options.jurisdiction,
      policyVersion: options.policyVersion,
      verify:
        app === null
          ? undefined
          : {
              client: appClient(app, 'erase'),
              waitMs: options.verifyWaitMs,
              intervalMs: Math.min(5000, Math.max(options.verifyWaitMs / 4, 100)),
            },
      total,
      onProgress: progress === null ? undefined : (report) => progress.update(report),
    })
  } catch (error) {
    progress?.finish()
    await audit.close()
    // Writing the evidence failed mid-run: stop, say what failed (requests may have been sent;
    // the journal makes the next run pick up where this one stopped).
    if (error?.code === 'ERR_JOURNAL_WRITE' || error?.code === 'ERR_AUDIT_WRITE') {
      io.stderr.write(`customerio-security erase: the run stopped: ${error.code}: ${messageOf(error)}\n`)
      return EXIT_FAILED
    }
    throw asUsageError(error)
  }
  progress?.finish()
  await audit.close()
  return report(summary, audit, formatAuditHead, options, io)
}

async function report(summary, audit, formatAuditHead, options, io) {
  const { done, failed, skipped, duplicates } = summary
  io.stdout.write(
    `customerio-security erase: ${done} done, ${failed} failed, ${skipped} skipped (done by an earlier run), ${duplicates} duplicate${duplicates === 1 ? '' : 's'}\n`,
  )
  const head = audit.head()
  if (head !== null) io.stdout.write(`audit log head: ${formatAuditHead(head)}\n`)
  if (failed === 0) return EXIT_OK
  const lines = await lineNumbersOf(options.ids, new Set(summary.deadLetters.map((letter) => letter.id)))
  const rows = summary.deadLetters
    .map((letter) => ({
      line: lines.get(letter.id) ?? 0,
      subject: audit.subjectHash(letter.id),
      reason: letter.reason,
    }))
    .sort((a, b) => a.line - b.line)
  io.stdout.write(`failed (${failed}; run again with the same --journal to retry them):\n`)
  for (const row of rows) io.stdout.write(`  line ${row.line} (subject ${row.subject}): ${row.reason}\n`)
  return EXIT_FAILED
}

function parseOptions(args) {
  const parsed = parseCommandLine(
    args,
    {
      ids: { type: 'string' },
      journal: { type: 'string' },
      audit: { type: 'string' },
      mode: { type: 'string', default: 'suppress' },
      rate: { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '10' },
      'max-attempts': { type: 'string', default: '5' },
      region: { type: 'string' },
      'allow-insecure-track-url': { type: 'boolean', default: false },
      batch: { type: 'boolean', default: false },
      'batch-size': { type: 'string', default: '100' },
      actor: { type: 'string' },
      jurisdiction: { type: 'string' },
      'policy-version': { type: 'string' },
      verify: { type: 'boolean', default: false },
      'verify-wait': { type: 'string', default: '60' },
      quiet: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  )
  const { values } = parsed
  if (values.help) return { help: true }
  for (const name of ['ids', 'journal', 'audit']) {
    if (values[name] === undefined || values[name] === '') throw new UsageError(`--${name} FILE is required`)
  }
  if (!ERASURE_MODES.includes(values.mode)) throw new UsageError(`--mode must be one of ${ERASURE_MODES.join(', ')}`)
  if (values.region !== undefined && values.region !== 'us' && values.region !== 'eu')
    throw new UsageError("--region must be 'us' or 'eu'")
  return {
    help: false,
    ids: values.ids,
    journal: values.journal,
    audit: values.audit,
    mode: values.mode,
    rate: values.rate === 'off' || values.rate === '0' ? Infinity : positiveNumber('--rate', values.rate),
    concurrency: wholeNumber('--concurrency', values.concurrency, 1000),
    maxAttempts: wholeNumber('--max-attempts', values['max-attempts'], 100),
    region: values.region,
    allowInsecureTrackUrl: values['allow-insecure-track-url'],
    batch: values.batch,
    batchSize: wholeNumber('--batch-size', values['batch-size'], 10_000),
    actor: values.actor,
    jurisdiction: values.jurisdiction,
    policyVersion: values['policy-version'],
    verify: values.verify,
    verifyWaitMs: verifyWait(values['verify-wait']),
    quiet: values.quiet,
  }
}

function verifyWait(text) {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 3600)
    throw new UsageError('--verify-wait must be a number of seconds from 0 to 3600')
  return value * 1000
}

function positiveNumber(name, text) {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    throw new UsageError(`${name} must be a number > 0 (or 0/off for no cap)`)
  return value
}

function wholeNumber(name, text, max) {
  const value = Number(text)
  if (!/^\d+$/.test(text) || value < 1 || value > max)
    throw new UsageError(`${name} must be a whole number from 1 to ${max}`)
  return value
}

/** customerio-node is the user's dependency (a peer), not ours: say so clearly when it is missing. */
function loadCustomerio() {
  try {
    return require('customerio-node')
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND') throw error
    throw new UsageError('the erase command needs customerio-node 5: npm install customerio-node')
  }
}

function openAudit(openAuditLog, file, { key, keyId }) {
  try {
    return openAuditLog(file, { key, keyId })
  } catch (error) {
    throw asUsageError(error, `the audit log ${file}`)
  }
}

/**
 * Coded errors from opening the journal or the audit log are bad input (exit 2, nothing sent);
 * their messages name a file and a problem, never a value. Anything else is rethrown.
 */
function asUsageError(error, what) {
  if (typeof error?.code !== 'string') throw error
  if (error.code.startsWith('ERR_JOURNAL_') && error.code !== 'ERR_JOURNAL_WRITE')
    return new UsageError(`${error.code}: ${messageOf(error)}`)
  if (what !== undefined && error.code.startsWith('ERR_'))
    return new UsageError(`${what}: ${error.code}: ${messageOf(error)}`)
  if (what !== undefined) return new UsageError(`cannot open ${what}: ${error.code}`)
  return error
}

function messageOf(error) {
  const message = String(error.message)
  return message.startsWith(PREFIX) ? message.slice(PREFIX.length) : message
}

module.exports = { run, usage }
