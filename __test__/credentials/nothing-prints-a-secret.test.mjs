// Nothing prints a secret: the Track client the credential holder builds by default, scrub() on
// every credential form a log line meets (URLs whose password holds @ # /, token-only userinfo,
// x-api-key, cookies, axios' config.auth.password, node:http's auth option), and scrub() of
// Web API objects, which come back as plain objects that log without throwing.

import test from 'node:test'
import assert from 'node:assert/strict'
import { inspect, format } from 'node:util'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createTrackClient, loadCredentials, scrub, secureTrackClient } = require('../../index.js')
const { TrackClient } = require('customerio-node')

const hex = (n) => randomBytes(n).toString('hex')

test('createTrackClient: inspect, console formatting and JSON show no site id or key; calls still work', async () => {
  const siteId = hex(10)
  const apiKey = hex(10)
  const credentials = await loadCredentials({ env: { CUSTOMERIO_SITE_ID: siteId, CUSTOMERIO_TRACK_API_KEY: apiKey } })
  const client = createTrackClient(credentials)
  assert.ok(client instanceof TrackClient)
  assert.equal(typeof client.identify, 'function')
  const basic = Buffer.from(`${siteId}:${apiKey}`).toString('base64')
  for (const text of [
    inspect(client),
    inspect(client, { showHidden: true, depth: 5 }),
    format('%o %O %j', client, client, client),
    JSON.stringify(client),
    JSON.stringify({ client }),
    String(Object.keys(client)),
  ]) {
    for (const secret of [siteId, apiKey, basic]) assert.ok(!text.includes(secret), `printed: ${text.slice(0, 200)}`)
  }
  assert.match(inspect(client), /TrackClient \{ siteid: \[REDACTED\], apikey: \[REDACTED\]/)
  // The holder's recipe, wrapped again, prints nothing either.
  const secured = secureTrackClient(client)
  assert.ok(!inspect(secured).includes(apiKey) && !JSON.stringify(secured).includes(apiKey))
})

test('scrub: every credential form a log line meets', () => {
  const password = `p@ss#w/rd:${hex(4)}`
  const token = `ghp_${hex(12)}`
  const cases = [
    [
      `connecting to https://admin:${password}@db.example.com:5432/app`,
      'connecting to https://[REDACTED]@db.example.com:5432/app',
    ],
    [`git clone https://${token}@github.com/org/repo.git`, 'git clone https://[REDACTED]@github.com/org/repo.git'],
    ['https://host.example/path?email=jane@example.com', 'https://host.example/path?email=jane@example.com'],
    ['https://host.example:8080/x@y', 'https://host.example:8080/x@y'],
  ]
  for (const [input, expected] of cases) assert.equal(scrub(input), expected)

  const apiKey = hex(16)
  const logged = scrub({
    headers: {
      'X-API-Key': apiKey,
      Cookie: `sid=${hex(8)}`,
      'set-cookie': [`sid=${hex(8)}`],
      accept: 'application/json',
    },
    config: { url: '/v1', auth: { username: 'svc', password: apiKey } },
    options: { host: 'api.example', auth: `svc:${apiKey}` },
    body: { client_secret: apiKey, access_token: apiKey, name: 'kept' },
  })
  assert.ok(!JSON.stringify(logged).includes(apiKey))
  assert.equal(logged.headers.accept, 'application/json')
  assert.equal(logged.config.auth.username, 'svc')
  assert.equal(logged.body.name, 'kept')
  assert.equal(logged.options.host, 'api.example')
})

test('scrub: Headers, URLSearchParams, Request, Response and FormData come back as plain objects that log', () => {
  const key = hex(16)
  const headers = new Headers({ authorization: `Bearer ${key}`, 'x-api-key': key, accept: 'json' })
  const params = new URLSearchParams(`api_key=${key}&q=1&q=2`)
  const request = new Request('https://api.example/v1', {
    method: 'POST',
    headers: { cookie: `sid=${key}`, 'content-type': 'application/json' },
  })
  const response = new Response('{}', { status: 401, headers: { 'set-cookie': `sid=${key}` } })
  const form = new FormData()
  form.append('password', key)
  form.append('file', new Blob(['abc']))
  const scrubbed = scrub({ headers, params, request, response, form })
  const text = inspect(scrubbed, { depth: 5 })
  assert.ok(!text.includes(key), text)
  assert.deepEqual(scrubbed.headers, { accept: 'json', authorization: '[REDACTED]', 'x-api-key': '[REDACTED]' })
  assert.deepEqual(scrubbed.params, { api_key: '[REDACTED]', q: ['1', '2'] })
  assert.deepEqual(scrubbed.request, {
    method: 'POST',
    url: 'https://api.example/v1',
    headers: { 'content-type': 'application/json', cookie: '[REDACTED]' },
  })
  assert.equal(scrubbed.response.status, 401)
  assert.deepEqual(scrubbed.form, { password: '[REDACTED]', file: '[File: 3 bytes]' })
  for (const value of Object.values(scrubbed)) assert.equal(Object.getPrototypeOf(value), Object.prototype)
  assert.doesNotThrow(() => JSON.stringify(scrubbed))
})
