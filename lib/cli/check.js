'use strict'

// `customerio-security check`: a credential self-test from the environment. Loads the site id
// and Track API key (with their shape checks), asks the Track API which region and environment
// they belong to, and prints the answer. No secret is ever printed: only variable names,
// codes, the region, the environment id and the endpoint.

const { PREFIX } = require('../errors.js')
const { loadCredentials } = require('../credentials/load.js')
const { checkCredentials, DEFAULT_TIMEOUT_MS } = require('../credentials/check.js')
const { EXIT_FAILED, EXIT_OK, UsageError, parseCommandLine } = require('./usage.js')

const usage = `Usage: customerio-security check [options]

Checks the Track API credentials in the environment: GET /api/v1/accounts/region
with HTTP Basic site id:Track API key (no side effects), and prints the region
and environment id they belong to. Never prints a secret.

Options:
  --json           print the result as one JSON object
  --timeout MS     give up after MS milliseconds (default ${DEFAULT_TIMEOUT_MS})
  --allow-insecure-track-url
                   accept an http:// CUSTOMERIO_TRACK_URL to another host (the
                   key then travels in cleartext)
  -h, --help       show this help

Environment:
  CUSTOMERIO_SITE_ID, CUSTOMERIO_TRACK_API_KEY   the credentials (required)
  CUSTOMERIO_REGION      us (default) or eu: the region you configured
  CUSTOMERIO_TRACK_URL   base URL override ending in /api/v1 (a proxy, a test server);
                         https, or http to a loopback host unless
                         --allow-insecure-track-url

Exit status: 0 the credentials work and the configured region is theirs, 1 they
are missing, malformed, refused (401), the region differs, or the API could not
be reached, 2 usage error.
`

async function run(args, io) {
  const options = parseOptions(args)
  if (options.help) {
    io.stdout.write(usage)
    return EXIT_OK
  }
  const warnings = []
  let credentials
  try {
    credentials = await loadCredentials({
      env: io.env,
      allowInsecureTrackUrl: options.allowInsecureTrackUrl,
      onWarning: (warning) => warnings.push(warning),
    })
  } catch (error) {
    if (typeof error?.code !== 'string' || error.name !== 'CustomerioSecurityError') throw error
    // Our errors name the variable and the problem, never the value.
    const message = error.message.startsWith(PREFIX) ? error.message.slice(PREFIX.length) : error.message
    return report(io, options, { ok: false, reason: error.code, message }, warnings)
  }
  const result = await checkCredentials(credentials, { timeoutMs: options.timeoutMs })
  // Unset, the region is the default (us) rather than a choice: the report must not say "configured".
  const regionSet = typeof io.env.CUSTOMERIO_REGION === 'string' && io.env.CUSTOMERIO_REGION.trim() !== ''
  return report(io, options, result, warnings, regionSet)
}

function parseOptions(args) {
  const { values } = parseCommandLine(
    args,
    {
      json: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      'allow-insecure-track-url': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    false,
  )
  let timeoutMs = DEFAULT_TIMEOUT_MS
  if (values.timeout !== undefined) {
    timeoutMs = Number(values.timeout)
    if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0)
      throw new UsageError('--timeout must be a whole number of milliseconds > 0')
  }
  return { json: values.json, timeoutMs, help: values.help, allowInsecureTrackUrl: values['allow-insecure-track-url'] }
}

function report(io, options, result, warnings, regionSet) {
  // `ok` is the verdict, the same as the exit status: credentials that work against the wrong
  // region are not ok (REGION_MISMATCH), though the API accepted them.
  let outcome = result
  if (result.ok && result.regionMismatch !== undefined) {
    const { configured, actual } = result.regionMismatch
    outcome = {
      ...result,
      ok: false,
      reason: 'REGION_MISMATCH',
      credentialsAccepted: true,
      regionMismatch: { configured: regionSet ? configured : null, used: configured, actual },
    }
  }
  if (options.json) {
    io.stdout.write(
      `${JSON.stringify({ ...outcome, warnings: warnings.map(({ code, message }) => ({ code, message })) })}\n`,
    )
  } else {
    for (const warning of warnings) io.stderr.write(`customerio-security check: warning: ${warning.message}\n`)
    io.stdout.write(describe(outcome))
  }
  return outcome.ok ? EXIT_OK : EXIT_FAILED
}

function describe(result) {
  if (result.ok)
    return `ok: region ${result.region}, environment ${result.environmentId}${result.url ? `, ${result.url}` : ''}\n`
  if (result.reason === 'REGION_MISMATCH') {
    const { configured, used, actual } = result.regionMismatch
    const setting =
      configured === null
        ? `CUSTOMERIO_REGION is not set, so the ${used} host is used`
        : `CUSTOMERIO_REGION is ${configured}`
    return (
      `not ok: REGION_MISMATCH: the credentials work (environment ${result.environmentId}) but belong to region ${actual}; ` +
      `${setting}: set CUSTOMERIO_REGION=${actual} (requests to the ${used} host are redirected, and data crosses regions)\n`
    )
  }
  switch (result.reason) {
    case 'UNAUTHORIZED':
      return `not ok: UNAUTHORIZED (HTTP ${result.status}): the site id and Track API key were refused by ${result.endpoint} (wrong pair, deleted key, or another workspace's region)\n`
    case 'NETWORK':
      return `not ok: NETWORK (${result.detail}): ${result.endpoint} could not be reached\n`
    case 'UNEXPECTED_STATUS':
      return `not ok: UNEXPECTED_STATUS (HTTP ${result.status}) from ${result.endpoint}\n`
    case 'UNEXPECTED_RESPONSE':
      return `not ok: UNEXPECTED_RESPONSE: ${result.endpoint} answered 200 without a region\n`
    default:
      return `not ok: ${result.reason}: ${result.message}\n`
  }
}

module.exports = { run, usage }
