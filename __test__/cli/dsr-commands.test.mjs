// `export-person`, `requests status|record` and `erase --verify` as child processes against the
// fake App and Track APIs: exit codes as documented, files written, progress only on a terminal,
// and no output holding a key or an identifier.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { BIN, collect, runCli, tempDir } from '../helpers/cli.mjs'
import { startFakeAppApi } from '../helpers/fake-app-api.mjs'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
import { AUDIT_KEY, SKIP_NODE20 } from '../helpers/erasure.mjs'

const require = createRequire(import.meta.url)
const { loadCredentials, openAuditLog } = require('../../index.js')

const CANARY = 'canary~5e1d@example.com'

async function fakeApp(t) {
  const api = await startFakeAppApi()
  t.after(() => api.close())
  api.addPerson({ id: 'cust~1', email: CANARY, attributes: { name: CANARY }, deliveries: 120, activities: 2 })
  return api
}

const appEnv = (api, extra = {}) => ({
  CUSTOMERIO_APP_API_KEY: api.key,
  CUSTOMERIO_APP_API_URL: api.urls.us,
  CUSTOMERIO_AUDIT_KEY: AUDIT_KEY,
  ...extra,
})

function assertNoLeak(result, api) {
  const output = result.stdout + result.stderr
  for (const value of [api.key, AUDIT_KEY, CANARY, 'cust~1'])
    assert.ok(!output.includes(value), 'printed a secret or an identifier')
}

test('export-person --email: both files written, counts and paths on stdout, no progress off a terminal', {
  skip: SKIP_NODE20,
}, async (t) => {
  const api = await fakeApp(t)
  const out = await tempDir(t)
  const result = await runCli(['export-person', '--email', CANARY, '--out', out, '--request-id', 'r1'], {
    env: appEnv(api),
  })
  assert.equal(result.code, 0, result.stderr)
  assert.equal(result.stderr, '')
  assert.match(result.stdout, /1 person found: 1 attributes, 0 segments, 120 deliveries, 2 activities/)
  assert.ok(result.stdout.includes(join(out, 'person-export-r1.json')))
  assert.deepEqual(readdirSync(out).sort(), ['person-export-r1.html', 'person-export-r1.json'])
  assert.equal(JSON.parse(readFileSync(join(out, 'person-export-r1.json'), 'utf8')).people[0].deliveries.length, 120)
  assertNoLeak(result, api)
})

test('export-person shows progress on a terminal (a pty from script(1))', {
  skip: SKIP_NODE20 || (existsSync('/usr/bin/script') ? false : 'no script(1)'),
}, async (t) => {
  const api = await fakeApp(t)
  const out = await tempDir(t)
  const command = [process.execPath, BIN, 'export-person', '--id', 'cust~1', '--out', out]
    .map((a) => `'${a}'`)
    .join(' ')
  // Asynchronous: the fake App API answers from this process.
  const result = await collect(
    spawn('script', ['-qec', command, '/dev/null'], {
      env: { ...process.env, ...appEnv(api) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  )
  assert.equal(result.code, 0, result.stdout)
  assert.match(result.stdout, /\rexport-person: 1 found, 120 deliveries, 2 activities, \d+ requests/)
})

test('export-person refuses bad invocations with exit 2 before any request', { skip: SKIP_NODE20 }, async (t) => {
  const api = await fakeApp(t)
  const out = await tempDir(t)
  const cases = [
    [['export-person', '--out', out], appEnv(api), /exactly one of --id, --email or --cio-id/],
    [['export-person', '--id', 'a', '--email', 'b', '--out', out], appEnv(api), /exactly one/],
    [['export-person', '--id', 'a'], appEnv(api), /--out DIR is required/],
    [['export-person', '--id', 'a', '--out', out, '--region', 'ap'], appEnv(api), /--region/],
    [
      ['export-person', '--id', 'a', '--out', out],
      { ...appEnv(api), CUSTOMERIO_APP_API_KEY: '' },
      /CUSTOMERIO_APP_API_KEY/,
    ],
    [
      ['export-person', '--id', 'a', '--out', out],
      { ...appEnv(api), CUSTOMERIO_APP_API_KEY: `${CANARY}xx` },
      /CUSTOMERIO_APP_API_KEY must be 32 hex/,
    ],
    [
      ['export-person', '--id', 'a', '--out', out],
      { ...appEnv(api), CUSTOMERIO_APP_API_URL: 'http://example.com/v1' },
      /CUSTOMERIO_APP_API_URL must be https/,
    ],
  ]
  for (const [args, env, message] of cases) {
    const result = await runCli(args, { env })
    assert.equal(result.code, 2, result.stderr)
    assert.match(result.stderr, message)
    assertNoLeak(result, api)
  }
  assert.equal(api.requests.length, 0)
})

test('export-person exits 1 when the App API keeps failing, leaves no file, prints the call and status only', {
  skip: SKIP_NODE20,
}, async (t) => {
  const api = await fakeApp(t)
  api.fault({ path: /attributes$/, status: 503, times: Infinity })
  const out = await tempDir(t)
  const result = await runCli(['export-person', '--id', 'cust~1', '--out', out], { env: appEnv(api) })
  assert.equal(result.code, 1)
  assert.match(result.stderr, /ERR_APP_API: GET \/v1\/customers\/\{id\}\/attributes failed: http 503 after 5 attempts/)
  assert.deepEqual(readdirSync(out), [])
  assertNoLeak(result, api)
})

test('CUSTOMERIO_REGION=eu points at the EU App API host; the default is the US one', async () => {
  const key = 'a'.repeat(32)
  const eu = await loadCredentials({
    env: { CUSTOMERIO_APP_API_KEY: key, CUSTOMERIO_REGION: 'eu' },
    require: ['appApiKey'],
  })
  const us = await loadCredentials({ env: { CUSTOMERIO_APP_API_KEY: key }, require: ['appApiKey'] })
  assert.equal(eu.appApiUrl, 'https://api-eu.customer.io/v1')
  assert.equal(us.appApiUrl, 'https://api.customer.io/v1')
})

test('requests record + export-person --audit + requests status: deadlines listed, exit 1 while one is overdue', {
  skip: SKIP_NODE20,
}, async (t) => {
  const api = await fakeApp(t)
  const dir = await tempDir(t)
  const audit = join(dir, 'audit.jsonl')
  const env = appEnv(api)
  const recorded = await runCli(
    [
      'requests',
      'record',
      audit,
      '--kind',
      'access',
      '--id',
      'cust~1',
      '--jurisdiction',
      'gdpr',
      '--received-at',
      '2026-01-05T00:00:00Z',
      '--request-id',
      'q1',
    ],
    { env },
  )
  assert.equal(recorded.code, 0, recorded.stderr)
  assert.equal(recorded.stdout, 'q1\n')
  const late = await runCli(['requests', 'status', audit, '--now', '2026-02-06T00:00:00Z'], { env })
  assert.equal(late.code, 1)
  assert.match(late.stdout, /1 requests: 1 open \(1 overdue\), 0 answered/)
  assert.match(
    late.stdout,
    /^OVERDUE\s+access\s+gdpr\s+received 2026-01-05T00:00:00.000Z due 2026-02-05T23:59:59.999Z subject [0-9a-f]{64} request q1/m,
  )
  const onTime = await runCli(['requests', 'status', audit, '--now', '2026-02-04T00:00:00Z', '--json'], { env })
  assert.equal(onTime.code, 0)
  assert.equal(JSON.parse(onTime.stdout).state, 'open')

  const exported = await runCli(
    [
      'export-person',
      '--id',
      'cust~1',
      '--out',
      dir,
      '--audit',
      audit,
      '--jurisdiction',
      'gdpr',
      '--received-at',
      '2026-01-05T00:00:00Z',
      '--quiet',
    ],
    { env },
  )
  assert.equal(exported.code, 0, exported.stderr)
  const answered = await runCli(['requests', 'status', audit, '--now', '2026-02-06T00:00:00Z'], { env })
  assert.equal(answered.code, 0, answered.stdout)
  assert.match(answered.stdout, /1 requests: 0 open \(0 overdue\), 1 answered/)
  for (const result of [recorded, late, onTime, exported, answered]) assertNoLeak(result, api)
  assert.ok(!readFileSync(audit, 'utf8').includes('cust~1'))

  writeFileSync(audit, readFileSync(audit, 'utf8').replace('"gdpr"', '"ccpa"'))
  const tampered = await runCli(['requests', 'status', audit], { env })
  assert.equal(tampered.code, 1)
  assert.match(tampered.stdout, /INVALID: .*BAD_MAC at line 1/)
})

test('erase --verify: a person the App API still finds is listed as failed (exit 1); verified ones are recorded true', {
  skip: SKIP_NODE20,
}, async (t) => {
  const track = await startFakeTrackApi()
  const app = await startFakeAppApi()
  t.after(() => Promise.all([track.close(), app.close()]))
  for (const id of ['v~1', 'v~2']) app.addPerson({ id })
  app.remove('v~1')
  app.removeAfter('v~2', Infinity)
  const dir = await tempDir(t)
  const files = { ids: join(dir, 'ids.txt'), journal: join(dir, 'j.jsonl'), audit: join(dir, 'a.jsonl') }
  writeFileSync(files.ids, 'v~1\nv~2\n')
  const env = {
    CUSTOMERIO_SITE_ID: track.siteId,
    CUSTOMERIO_TRACK_API_KEY: track.apiKey,
    CUSTOMERIO_TRACK_URL: track.trackUrl,
    CUSTOMERIO_AUDIT_KEY: AUDIT_KEY,
    CUSTOMERIO_APP_API_KEY: app.key,
    CUSTOMERIO_APP_API_URL: app.urls.us,
  }
  const result = await runCli(
    [
      'erase',
      '--ids',
      files.ids,
      '--journal',
      files.journal,
      '--audit',
      files.audit,
      '--verify',
      '--verify-wait',
      '0.3',
      '--quiet',
    ],
    { env },
  )
  assert.equal(result.code, 1, result.stderr)
  assert.match(result.stdout, /1 done, 1 failed/)
  assert.match(result.stdout, /line 2 \(subject [0-9a-f]{64}\): verify: still found by the App API after 0 s/)
  const records = readFileSync(files.audit, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  assert.deepEqual(records.map((r) => r.verified).sort(), [false, true])
  assert.ok(!(result.stdout + result.stderr).includes('v~'))
  const missingKey = await runCli(
    ['erase', '--ids', files.ids, '--journal', files.journal, '--audit', files.audit, '--verify'],
    { env: { ...env, CUSTOMERIO_APP_API_KEY: '' } },
  )
  assert.equal(missingKey.code, 2)
  assert.match(missingKey.stderr, /CUSTOMERIO_APP_API_KEY/)
  const audit = openAuditLog(files.audit, { key: AUDIT_KEY })
  await audit.close()
})
