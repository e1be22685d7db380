// checkCredentials against a local fake Track API (helpers/fake-credentials-api.mjs) with
// Node's fetch: valid credentials, a 401, a US/EU mismatch, network failures and odd answers,
// all as typed results, never thrown.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { createRequire } from 'node:module'

import { account, startCredentialsApi } from '../helpers/fake-credentials-api.mjs'

const require = createRequire(import.meta.url)
const { checkCredentials, loadCredentials } = require('../../lib/credentials/index.js')

const us = account({ region: 'us', environmentId: 111 })
const eu = account({ region: 'eu', environmentId: 222 })
let api

before(async () => {
  api = await startCredentialsApi([us, eu])
})
after(() => api.close())

function credentialsFor(a, extra = {}) {
  return loadCredentials({
    env: {
      CUSTOMERIO_SITE_ID: a.siteId,
      CUSTOMERIO_TRACK_API_KEY: a.apiKey,
      CUSTOMERIO_TRACK_URL: api.trackUrl,
      ...extra,
    },
  })
}

function assertNoSecret(result, a) {
  const text = JSON.stringify(result)
  assert.ok(!text.includes(a.siteId) && !text.includes(a.apiKey))
}

test('valid credentials: ok with the region and environment id, GET /api/v1/accounts/region with Basic auth', async () => {
  const before = api.requests.length
  const result = await checkCredentials(await credentialsFor(us))
  assert.deepEqual(result, {
    ok: true,
    region: 'us',
    environmentId: 111,
    url: 'https://track.customer.io',
    endpoint: `${api.trackUrl}/accounts/region`,
  })
  const [request] = api.requests.slice(before)
  assert.equal(request.method, 'GET')
  assert.equal(request.path, '/api/v1/accounts/region')
  assert.equal(request.account, us)
  assertNoSecret(result, us)
})

test('EU credentials configured as US (the default): ok, with regionMismatch', async () => {
  const result = await checkCredentials(await credentialsFor(eu))
  assert.equal(result.ok, true)
  assert.equal(result.region, 'eu')
  assert.equal(result.environmentId, 222)
  assert.deepEqual(result.regionMismatch, { configured: 'us', actual: 'eu' })
  const matching = await checkCredentials(await credentialsFor(eu, { CUSTOMERIO_REGION: 'eu' }))
  assert.equal(matching.regionMismatch, undefined)
})

test('a refused key: UNAUTHORIZED with the status', async () => {
  const wrong = { ...us, apiKey: account().apiKey }
  const result = await checkCredentials(await credentialsFor(wrong))
  assert.deepEqual(result, {
    ok: false,
    reason: 'UNAUTHORIZED',
    status: 401,
    endpoint: `${api.trackUrl}/accounts/region`,
  })
  assertNoSecret(result, wrong)
})

test('plain strings are accepted as well as SecretValues', async () => {
  const result = await checkCredentials({ siteId: us.siteId, trackApiKey: us.apiKey, trackUrl: api.trackUrl })
  assert.equal(result.ok, true)
  assert.equal(result.regionMismatch, undefined, 'no configured region: nothing to compare')
})

/** A server answering every request with `handler`, for the odd cases. */
async function oddServer(t, handler) {
  const server = createServer(handler)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  t.after(() => {
    server.closeAllConnections()
    server.close()
  })
  return `http://127.0.0.1:${server.address().port}/api/v1`
}

test('a 500 is UNEXPECTED_STATUS, a 200 without a region UNEXPECTED_RESPONSE, a redirect is not followed', async (t) => {
  const c = await credentialsFor(us)
  const five = await oddServer(t, (req, res) => res.writeHead(500).end('{}'))
  assert.deepEqual(await checkCredentials({ ...c, trackUrl: five }), {
    ok: false,
    reason: 'UNEXPECTED_STATUS',
    status: 500,
    endpoint: `${five}/accounts/region`,
  })
  const html = await oddServer(t, (req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'))
  assert.equal((await checkCredentials({ ...c, trackUrl: html })).reason, 'UNEXPECTED_RESPONSE')
  let followed = false
  const target = await oddServer(t, (req, res) => {
    followed = true
    res.end('{}')
  })
  const redirect = await oddServer(t, (req, res) => res.writeHead(307, { location: `${target}/accounts/region` }).end())
  const result = await checkCredentials({ ...c, trackUrl: redirect })
  assert.deepEqual([result.reason, result.status, followed], ['UNEXPECTED_STATUS', 307, false])
})

test('network failures are results, not exceptions: a closed port, a dropped connection, a timeout', async (t) => {
  const c = await credentialsFor(us)
  const closed = await oddServer(t, () => {})
  const port = new URL(closed).port
  // A port that was just released: connection refused.
  const free = createServer()
  free.listen(0, '127.0.0.1')
  await once(free, 'listening')
  const freePort = free.address().port
  await new Promise((resolve) => free.close(resolve))
  const refused = await checkCredentials({ ...c, trackUrl: `http://127.0.0.1:${freePort}/api/v1` })
  assert.deepEqual([refused.ok, refused.reason, refused.detail], [false, 'NETWORK', 'ECONNREFUSED'])

  const dropping = await oddServer(t, (req) => req.socket.destroy())
  const dropped = await checkCredentials({ ...c, trackUrl: dropping })
  assert.deepEqual([dropped.ok, dropped.reason], [false, 'NETWORK'])

  // The server at `closed` never answers: only the timeout ends the request.
  const slow = await checkCredentials({ ...c, trackUrl: `http://127.0.0.1:${port}/api/v1` }, { timeoutMs: 50 })
  assert.deepEqual([slow.ok, slow.reason, slow.detail], [false, 'NETWORK', 'timeout'])

  const controller = new AbortController()
  controller.abort()
  const aborted = await checkCredentials(c, { signal: controller.signal })
  assert.deepEqual([aborted.reason, aborted.detail], ['NETWORK', 'aborted'])
})

test('misuse throws coded TypeErrors: no credentials, no key, a bad timeout', async () => {
  await assert.rejects(checkCredentials(), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(checkCredentials({ siteId: us.siteId }), {
    code: 'ERR_MISSING_CREDENTIAL',
    message: /trackApiKey/,
  })
  await assert.rejects(checkCredentials({ siteId: us.siteId, trackApiKey: us.apiKey }, { timeoutMs: -1 }), {
    code: 'ERR_INVALID_ARGUMENT',
  })
})
