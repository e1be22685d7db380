// scrub(): removes Basic/Bearer credentials, URL passwords and every live SecretValue's value
// from strings and (deeply, cycle-safe) from objects, returning a copy; the input is untouched.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import util from 'node:util'

import { collect } from '../helpers/cli.mjs'

const require = createRequire(import.meta.url)
const CREDENTIALS = require.resolve('../../lib/credentials/index.js')
const { SecretValue, loadCredentials, scrub } = require(CREDENTIALS)

const hex = (bytes) => randomBytes(bytes).toString('hex')

test('Basic and Bearer credentials and user:password in URLs are removed from strings', () => {
  const basic = Buffer.from(`${hex(10)}:${hex(10)}`).toString('base64')
  const bearer = hex(16)
  const password = randomBytes(9).toString('base64url')
  const line = `GET /x Authorization: Basic ${basic} then bearer Bearer ${bearer} via https://user:${password}@proxy.local/api`
  const out = scrub(line)
  assert.equal(
    out,
    'GET /x Authorization: Basic [REDACTED] then bearer Bearer [REDACTED] via https://[REDACTED]@proxy.local/api',
  )
})

test('credential query parameters in URLs are redacted, in any spelling; the rest of the URL stays', () => {
  const key = hex(16)
  const cases = [
    [
      `GET https://api.example.com/v1/people?api_key=${key}&page=2`,
      'GET https://api.example.com/v1/people?api_key=[REDACTED]&page=2',
    ],
    [`https://h.io/cb?state=abc&code=${key}#done`, 'https://h.io/cb?state=abc&code=[REDACTED]#done'],
    [`https://h.io/x?Access-Token=${key};lang=en`, 'https://h.io/x?Access-Token=[REDACTED];lang=en'],
    [`https://h.io/x?api%5Fkey=${key}`, 'https://h.io/x?api%5Fkey=[REDACTED]'],
    [
      `"https://bucket.s3.amazonaws.com/f.csv?X-Amz-Credential=AKIA${key}&X-Amz-Signature=${key}&X-Amz-Expires=60"`,
      '"https://bucket.s3.amazonaws.com/f.csv?X-Amz-Credential=[REDACTED]&X-Amz-Signature=[REDACTED]&X-Amz-Expires=60"',
    ],
    [`https://maps.example.com/js?key=${key}&v=3`, 'https://maps.example.com/js?key=[REDACTED]&v=3'],
    // Relative URLs (request lines, Express's originalUrl) and fragments (OAuth's implicit flow).
    [`GET /v1/people?api_key=${key} 200`, 'GET /v1/people?api_key=[REDACTED] 200'],
    [
      `https://app.example/cb#access_token=${key}&token_type=bearer`,
      'https://app.example/cb#access_token=[REDACTED]&token_type=bearer',
    ],
    // A URL nested in another's parameter, as it is and percent-encoded.
    [
      `https://x.example/r?next=https://y.example/cb?token=${key}`,
      'https://x.example/r?next=https://y.example/cb?token=[REDACTED]',
    ],
    [
      `https://x.example/r?next=https%3A%2F%2Fy.example%2Fcb%3Ftoken%3D${key}`,
      'https://x.example/r?next=https%3A%2F%2Fy.example%2Fcb%3Ftoken%3D[REDACTED]',
    ],
    // A value holding encoded separators goes whole; HTML-escaped & and sentence punctuation stay.
    [`https://x.example/?token=${key}%26more%3D1&c=d`, 'https://x.example/?token=[REDACTED]&c=d'],
    [`https://x.example/?a=1&amp;token=${key}`, 'https://x.example/?a=1&amp;token=[REDACTED]'],
    [`see (https://x.example/?token=${key}), then`, 'see (https://x.example/?token=[REDACTED]), then'],
    [
      `/?api_token=${key}&private_token=${key}&pwd=${key}&sessionid=${key}&jwt=${key}`,
      '/?api_token=[REDACTED]&private_token=[REDACTED]&pwd=[REDACTED]&sessionid=[REDACTED]&jwt=[REDACTED]',
    ],
  ]
  for (const [line, want] of cases) assert.equal(scrub(line), want)
  // Inside objects, errors and URL objects too.
  const url = new URL(`https://track.customer.io/api/v1/customers?token=${key}`)
  const out = scrub({ url, error: new Error(`fetch ${url.href} failed`) })
  assert.equal(out.url, 'https://track.customer.io/api/v1/customers?token=[REDACTED]')
  assert.ok(!out.error.message.includes(key))
  // Parameters that are not credentials, and a query without values, are left as they are.
  for (const text of ['https://h.io/search?q=keyboard&keywords=a&monkey=1', 'https://h.io/a?flag&x=', 'a=b;c=d']) {
    assert.equal(scrub(text), text)
  }
})

test('URL scrubbing stays linear on hostile text', () => {
  // Long runs that a careless pattern would try from every position.
  for (const text of [
    'a.'.repeat(100_000),
    `https://x/?${'a=b;'.repeat(50_000)}`,
    `?${'&'.repeat(100_000)}`,
    'a://'.repeat(50_000),
  ]) {
    const out = scrub(text)
    assert.equal(typeof out, 'string')
  }
})

test('prose is left alone: "Basic usage" and URLs without a password', () => {
  const text = 'Basic usage: see https://docs.example.com/a and Basic authentication docs'
  assert.equal(scrub(text), text)
})

test('every loaded secret is removed wherever it appears, also inside longer text', async () => {
  const env = {
    CUSTOMERIO_SITE_ID: hex(10),
    CUSTOMERIO_TRACK_API_KEY: hex(10),
    CUSTOMERIO_WEBHOOK_SECRET: randomBytes(16).toString('base64url'),
  }
  const credentials = await loadCredentials({ env, require: ['siteId', 'trackApiKey', 'webhookSecrets'] })
  const text = `site=${env.CUSTOMERIO_SITE_ID}&key=${env.CUSTOMERIO_TRACK_API_KEY}; signed with ${env.CUSTOMERIO_WEBHOOK_SECRET}!`
  assert.equal(scrub(text), 'site=[REDACTED]&key=[REDACTED]; signed with [REDACTED]!')
  assert.ok(credentials.siteId.reveal() === env.CUSTOMERIO_SITE_ID) // still alive here: registered
})

test('objects: a deep copy with secrets, SecretValues and authorization headers removed, cycles and shared parts handled', async () => {
  const key = new SecretValue(hex(10))
  const shared = { note: `uses ${key.reveal()}` }
  const input = {
    headers: { Authorization: 'Token abc', 'proxy-authorization': 'x', accept: 'json' },
    url: new URL(`https://me:${hex(4)}@host.test/p`),
    body: [shared, shared, { key }],
    when: new Date(0),
    bytes: Buffer.from(`raw ${key.reveal()} bytes`),
    map: new Map([
      ['authorization', 'Bearer zzzzzzzzzz'],
      [`k-${key.reveal()}`, 1],
    ]),
    set: new Set([`s-${key.reveal()}`]),
    [`field-${key.reveal()}`]: true,
  }
  input.self = input
  input.body.push(input.body)
  const before = util.inspect(input, { depth: Infinity })
  const out = scrub(input)
  assert.equal(util.inspect(input, { depth: Infinity }), before, 'the input is not changed')
  const text = util.inspect(out, { depth: Infinity, showHidden: true })
  assert.ok(!text.includes(key.reveal()))
  assert.deepEqual(out.headers, { Authorization: '[REDACTED]', 'proxy-authorization': '[REDACTED]', accept: 'json' })
  assert.equal(out.url, 'https://[REDACTED]@host.test/p')
  assert.equal(out.body[0].note, 'uses [REDACTED]')
  assert.equal(out.body[0], out.body[1], 'a part reached twice is copied once')
  assert.equal(out.body[2].key, '[REDACTED]')
  assert.equal(out.body[3], '[Circular]')
  assert.equal(out.self, '[Circular]')
  assert.equal(out.when.getTime(), 0)
  assert.equal(out.bytes.toString(), 'raw [REDACTED] bytes')
  assert.deepEqual(
    [...out.map],
    [
      ['authorization', '[REDACTED]'],
      ['k-[REDACTED]', 1],
    ],
  )
  assert.deepEqual([...out.set], ['s-[REDACTED]'])
  assert.equal(out['field-[REDACTED]'], true)
  assert.doesNotThrow(() => JSON.stringify({ ...out, self: undefined, body: out.body.slice(0, 3) }))
})

test('errors stay errors, with message, stack and cause scrubbed', () => {
  const key = new SecretValue(hex(10))
  const error = new Error(`failed with ${key.reveal()}`, { cause: new Error(`inner ${key.reveal()}`) })
  error.code = 'E_TEST'
  const out = scrub(error)
  assert.ok(out instanceof Error)
  assert.equal(out.message, 'failed with [REDACTED]')
  assert.equal(out.code, 'E_TEST')
  assert.equal(out.cause.message, 'inner [REDACTED]')
  assert.ok(!out.stack.includes(key.reveal()))
  assert.ok(!util.inspect(out).includes(key.reveal()))
})

test('a throwing getter becomes [Unreadable]; primitives pass as they are', () => {
  const input = {
    ok: 1,
    get bad() {
      throw new Error('no')
    },
  }
  assert.deepEqual(scrub({ inner: input }), { inner: '[Unreadable]' })
  for (const value of [1, null, undefined, true, 10n]) assert.equal(scrub(value), value)
})

test('the registry holds secrets weakly: a collected SecretValue is no longer scrubbed or kept; forgetSecrets clears it', async () => {
  // A separate process with --expose-gc, so the collection is forced rather than hoped for.
  const script = `
    const { SecretValue, scrub, forgetSecrets } = require(${JSON.stringify(CREDENTIALS)})
    const { liveCount } = require(${JSON.stringify(require.resolve('../../lib/credentials/live-secrets.js'))})
    const value = require('node:crypto').randomBytes(10).toString('hex')
    let kept = new SecretValue(value)
    const before = scrub('x ' + value)
    for (let i = 0; i < 1000; i++) new SecretValue('garbage-' + i)
    kept = null
    ;(async () => {
      // Bounded: collection and finalization callbacks need a few turns of the event loop.
      for (let i = 0; i < 50 && liveCount() > 0; i++) {
        globalThis.gc()
        await new Promise((resolve) => setImmediate(resolve))
      }
      const after = scrub('x ' + value)
      const held = new SecretValue(require('node:crypto').randomBytes(10).toString('hex'))
      const countBefore = liveCount()
      forgetSecrets()
      console.log(JSON.stringify({ before, scrubbedAfter: after !== 'x ' + value, live: liveCount(), countBefore, alive: held.reveal().length }))
    })()
  `
  const { code, stdout, stderr } = await collect(
    spawn(process.execPath, ['--expose-gc', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }),
  )
  assert.equal(code, 0, stderr)
  const result = JSON.parse(stdout)
  assert.equal(result.before, 'x [REDACTED]')
  assert.equal(result.scrubbedAfter, false, 'the collected secret is no longer known')
  assert.equal(result.countBefore, 1, 'collected secrets left the registry')
  assert.equal(result.live, 0, 'forgetSecrets emptied it')
  assert.equal(result.alive, 20)
})
