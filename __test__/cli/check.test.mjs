// `customerio-security check` as a real child process against the fake Track API: the result
// on stdout (text and --json), the exit status, and never a secret in any output.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'

import { runCli } from '../helpers/cli.mjs'
import { account, startCredentialsApi } from '../helpers/fake-credentials-api.mjs'

const us = account({ region: 'us', environmentId: 4242 })
const eu = account({ region: 'eu', environmentId: 77 })
let api

before(async () => {
  api = await startCredentialsApi([us, eu])
})
after(() => api.close())

/** An environment with nothing from the test runner's own CUSTOMERIO_* variables. */
function env(a, extra = {}) {
  const clean = {}
  for (const name of Object.keys(process.env)) if (name.startsWith('CUSTOMERIO_')) clean[name] = ''
  return {
    ...clean,
    CUSTOMERIO_SITE_ID: a.siteId,
    CUSTOMERIO_TRACK_API_KEY: a.apiKey,
    CUSTOMERIO_TRACK_URL: api.trackUrl,
    ...extra,
  }
}

function assertNoSecret({ stdout, stderr }, a) {
  for (const value of [a.siteId, a.apiKey])
    assert.ok(!stdout.includes(value) && !stderr.includes(value), 'a secret was printed')
}

test('valid credentials: exit 0, the region and environment id', async () => {
  const run = await runCli(['check'], { env: env(us) })
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stdout, 'ok: region us, environment 4242, https://track.customer.io\n')
  assertNoSecret(run, us)
})

test('--json prints the typed result', async () => {
  const run = await runCli(['check', '--json'], { env: env(us) })
  assert.equal(run.code, 0)
  assert.deepEqual(JSON.parse(run.stdout), {
    ok: true,
    region: 'us',
    environmentId: 4242,
    url: 'https://track.customer.io',
    endpoint: `${api.trackUrl}/accounts/region`,
    warnings: [],
  })
})

test('a refused key: exit 1, UNAUTHORIZED, no secret', async () => {
  const wrong = { ...us, apiKey: account().apiKey }
  const run = await runCli(['check'], { env: env(wrong) })
  assert.equal(run.code, 1)
  assert.match(run.stdout, /^not ok: UNAUTHORIZED \(HTTP 401\)/)
  assertNoSecret(run, wrong)
  const json = await runCli(['check', '--json'], { env: env(wrong) })
  assert.deepEqual(
    [json.code, JSON.parse(json.stdout).reason, JSON.parse(json.stdout).status],
    [1, 'UNAUTHORIZED', 401],
  )
  assertNoSecret(json, wrong)
})

test('EU credentials with the region left at us: exit 1 and the fix; with CUSTOMERIO_REGION=eu: exit 0', async () => {
  const run = await runCli(['check'], { env: env(eu) })
  assert.equal(run.code, 1)
  // Not set: the default us host is used, and nothing claims it was configured.
  assert.equal(
    run.stdout,
    'not ok: REGION_MISMATCH: the credentials work (environment 77) but belong to region eu; CUSTOMERIO_REGION is not set, so the us host is used: set CUSTOMERIO_REGION=eu (requests to the us host are redirected, and data crosses regions)\n',
  )
  const jsonRun = await runCli(['check', '--json'], { env: env(eu) })
  const json = JSON.parse(jsonRun.stdout)
  // The JSON verdict is the exit status's.
  assert.deepEqual([jsonRun.code, json.ok, json.reason, json.credentialsAccepted], [1, false, 'REGION_MISMATCH', true])
  assert.deepEqual(json.regionMismatch, { configured: null, used: 'us', actual: 'eu' })
  const set = await runCli(['check', '--json'], { env: env(eu, { CUSTOMERIO_REGION: 'us' }) })
  assert.deepEqual(
    [set.code, JSON.parse(set.stdout).regionMismatch],
    [1, { configured: 'us', used: 'us', actual: 'eu' }],
  )
  assert.match(
    (await runCli(['check'], { env: env(eu, { CUSTOMERIO_REGION: 'us' }) })).stdout,
    /; CUSTOMERIO_REGION is us: set CUSTOMERIO_REGION=eu/,
  )
  const fixed = await runCli(['check'], { env: env(eu, { CUSTOMERIO_REGION: 'eu' }) })
  assert.equal(fixed.code, 0)
  assertNoSecret(run, eu)
})

test('missing and malformed variables: exit 1, named, the value never shown', async () => {
  const missing = await runCli(['check'], { env: env(us, { CUSTOMERIO_TRACK_API_KEY: '' }) })
  assert.equal(missing.code, 1)
  assert.equal(missing.stdout, 'not ok: ERR_MISSING_CREDENTIAL: CUSTOMERIO_TRACK_API_KEY is not set\n')
  const malformed = `${us.apiKey}zz`
  const bad = await runCli(['check', '--json'], { env: env(us, { CUSTOMERIO_TRACK_API_KEY: malformed }) })
  assert.equal(bad.code, 1)
  const result = JSON.parse(bad.stdout)
  assert.equal(result.reason, 'ERR_INVALID_CREDENTIAL')
  assert.match(result.message, /^CUSTOMERIO_TRACK_API_KEY must be 20 hex characters/)
  assert.ok(!bad.stdout.includes(malformed.slice(0, 20)))
})

test('a trailing newline is trimmed with a warning on stderr; the check still passes', async () => {
  const run = await runCli(['check'], { env: env(us, { CUSTOMERIO_TRACK_API_KEY: `${us.apiKey}\n` }) })
  assert.equal(run.code, 0)
  assert.match(run.stderr, /warning: CUSTOMERIO_TRACK_API_KEY had surrounding whitespace/)
  assertNoSecret(run, us)
})

test('an unreachable API: exit 1, NETWORK', async () => {
  // A port that was just released: connection refused.
  const free = createServer()
  free.listen(0, '127.0.0.1')
  await once(free, 'listening')
  const port = free.address().port
  await new Promise((resolve) => free.close(resolve))
  const run = await runCli(['check'], { env: env(us, { CUSTOMERIO_TRACK_URL: `http://127.0.0.1:${port}/api/v1` }) })
  assert.equal(run.code, 1)
  assert.match(run.stdout, /^not ok: NETWORK \(ECONNREFUSED\)/)
})

test('usage: --help, a bad option, a bad timeout', async () => {
  const help = await runCli(['check', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /^Usage: customerio-security check/)
  assert.equal((await runCli(['check', '--nope'])).code, 2)
  assert.equal((await runCli(['check', '--timeout', 'soon'])).code, 2)
})

test('every malformed variable is named at once, and a cleartext Track URL to another host is refused', async () => {
  const run = await runCli(['check', '--json'], {
    env: env(us, {
      CUSTOMERIO_SITE_ID: 'not-hex',
      CUSTOMERIO_TRACK_API_KEY: 'also-not-hex',
      CUSTOMERIO_REGION: 'mars',
    }),
  })
  assert.equal(run.code, 1)
  const json = JSON.parse(run.stdout)
  assert.equal(json.reason, 'ERR_INVALID_CREDENTIAL')
  for (const name of ['CUSTOMERIO_SITE_ID', 'CUSTOMERIO_TRACK_API_KEY', 'CUSTOMERIO_REGION'])
    assert.match(json.message, new RegExp(name))
  assert.ok(!run.stdout.includes('not-hex') && !run.stdout.includes('mars'), 'values are never shown')

  const cleartext = { CUSTOMERIO_TRACK_URL: 'http://track-proxy.example.net/api/v1' }
  const refused = await runCli(['check'], { env: env(us, cleartext) })
  assert.equal(refused.code, 1)
  assert.match(refused.stdout, /^not ok: ERR_INVALID_CREDENTIAL: CUSTOMERIO_TRACK_URL must be https/)
  // Allowed explicitly, it is used (and then unreachable here: NETWORK, not a refusal of the URL).
  const allowed = await runCli(['check', '--json', '--allow-insecure-track-url', '--timeout', '2000'], {
    env: env(us, cleartext),
  })
  assert.equal(JSON.parse(allowed.stdout).reason, 'NETWORK')
})
