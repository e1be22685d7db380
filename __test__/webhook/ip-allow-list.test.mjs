// customerioIpAllowList over real HTTP (Express 5, node:http on a dual-stack socket, Fastify, a
// Web Request), with spoofed X-Forwarded-For headers with and without a trusted proxy, and
// refreshIpAllowList against a fake App API on 127.0.0.1.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import { createRequire } from 'node:module'

import { CUSTOMERIO_IP_ADDRESSES, customerioIpAllowList, refreshIpAllowList, SecretValue } from '../../index.js'

const require = createRequire(import.meta.url)
const express = require('express5')
const Fastify = require('fastify')
const { normalizeAddress } = require('../../lib/webhook/ip-address.js')
const { resolveClient, trustPolicy } = require('../../lib/webhook/ip-allow-list.js')

const CIO_US = CUSTOMERIO_IP_ADDRESSES.us[0]
const CIO_EU = CUSTOMERIO_IP_ADDRESSES.eu[0]
const STRANGER = '203.0.113.9'

async function serve(server, host = '127.0.0.1') {
  server.listen(0, host)
  await once(server, 'listening')
  return server.address().port
}

async function close(server) {
  server.closeAllConnections?.()
  await new Promise((resolve) => server.close(resolve))
}

/** POSTs from 127.0.0.1 with the given X-Forwarded-For (undefined: none); the status and body. */
async function post(port, forwardedFor, host = '127.0.0.1') {
  const headers = { 'content-type': 'application/json' }
  if (forwardedFor !== undefined) headers['x-forwarded-for'] = forwardedFor
  const response = await fetch(`http://${host}:${port}/hook`, { method: 'POST', headers, body: '{}' })
  return { status: response.status, body: await response.text() }
}

test('the built-in lists are dated, sourced and valid addresses', () => {
  assert.match(CUSTOMERIO_IP_ADDRESSES.retrieved, /^\d{4}-\d{2}$/)
  assert.match(CUSTOMERIO_IP_ADDRESSES.source, /^https:\/\/docs\.customer\.io\//)
  for (const region of ['us', 'eu']) {
    assert.ok(CUSTOMERIO_IP_ADDRESSES[region].length >= 10)
    for (const address of CUSTOMERIO_IP_ADDRESSES[region]) assert.equal(normalizeAddress(address), address)
  }
  assert.ok(Object.isFrozen(CUSTOMERIO_IP_ADDRESSES.us))
})

test('addresses are compared in one spelling: IPv4-mapped IPv6, zones, brackets', () => {
  const cases = {
    '::ffff:35.188.196.183': '35.188.196.183',
    '::FFFF:23bc:c4b7': '35.188.196.183',
    '0:0:0:0:0:ffff:35.188.196.183': '35.188.196.183',
    '[::ffff:35.188.196.183]': '35.188.196.183',
    'fe80::1%eth0': 'fe80::1',
    '2001:DB8::1': '2001:db8::1',
    '2001:db8::ffff:1.2.3.4': '2001:db8::ffff:1.2.3.4',
    '64:ff9b::1.2.3.4': '64:ff9b::1.2.3.4',
    unknown: null,
    '1.2.3': null,
    '': null,
  }
  for (const [input, expected] of Object.entries(cases)) assert.equal(normalizeAddress(input), expected, input)
  const guard = customerioIpAllowList({ regions: ['us'] })
  assert.equal(guard.allows(`::ffff:${CIO_US}`), true)
  assert.equal(guard.allows(CIO_EU), false, 'an EU address is not in the US list')
})

test('the client address: the peer by default, X-Forwarded-For only as far as trusted proxies reach', () => {
  const none = trustPolicy(false)
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}`, none), '10.0.0.1', 'the header is ignored by default')
  const oneHop = trustPolicy(1)
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}`, oneHop), CIO_US)
  // The client wrote its own X-Forwarded-For; the proxy appended the real peer after it.
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}, ${STRANGER}`, oneHop), STRANGER)
  assert.equal(resolveClient('10.0.0.1', undefined, oneHop), '10.0.0.1', 'no header: the peer')
  assert.equal(resolveClient('10.0.0.1', `${STRANGER}, ${CIO_US}`, trustPolicy(2)), STRANGER)
  const proxies = trustPolicy(['10.0.0.0/8', '::1'])
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}`, proxies), CIO_US)
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}, 10.2.3.4`, proxies), CIO_US, 'proxies in a chain are skipped')
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}, ${STRANGER}`, proxies), STRANGER)
  assert.equal(resolveClient(STRANGER, `${CIO_US}`, proxies), STRANGER, 'a peer that is no proxy is the client')
  assert.equal(resolveClient('10.0.0.1', `${CIO_US}, junk`, proxies), null, 'junk is nobody')
  assert.equal(resolveClient('::ffff:10.0.0.1', [`${CIO_US}`], proxies), CIO_US, 'a repeated header, a mapped peer')
})

test('bad options throw coded TypeErrors at startup', () => {
  const bad = [
    { regions: [] },
    { regions: ['us', 'apac'] },
    { trustProxy: true },
    { trustProxy: -1 },
    { trustProxy: ['not-an-ip'] },
    { addresses: ['10.0.0.0/33'] },
    { addresses: ['1.2.3.4/8/1'] },
    { addresses: 'x' },
    { onRefused: 1 },
  ]
  for (const options of bad) {
    assert.throws(
      () => customerioIpAllowList(options),
      { name: 'CustomerioSecurityTypeError', code: 'ERR_INVALID_ARGUMENT' },
      JSON.stringify(options),
    )
  }
  const guard = customerioIpAllowList({ regions: ['us'] })
  assert.throws(() => guard.update('us', []), { code: 'ERR_INVALID_ARGUMENT' })
  assert.throws(() => guard.update('us', ['1.2.3.4', 'nope']), { code: 'ERR_INVALID_ARGUMENT' })
  assert.throws(() => guard.update('eu', [CIO_EU]), { code: 'ERR_INVALID_ARGUMENT' })
  assert.deepEqual(guard.addresses, CUSTOMERIO_IP_ADDRESSES.us, 'a refused update changed nothing')
})

test('Express: allowed, refused, and a spoofed X-Forwarded-For with and without a trusted proxy', async () => {
  const refused = []
  const scenarios = [
    // [options, X-Forwarded-For, expected status]
    [{ addresses: ['127.0.0.1'] }, undefined, 200],
    [{}, undefined, 403],
    [{}, CIO_US, 403], // spoofed header, no proxy trusted: ignored
    [{ trustProxy: ['127.0.0.1'] }, CIO_US, 200], // the proxy (127.0.0.1) says the client is Customer.io
    [{ trustProxy: ['127.0.0.1'] }, `${CIO_US}, ${STRANGER}`, 403], // the stranger prepended a Customer.io address
    [{ trustProxy: 1 }, `${CIO_US}, ${STRANGER}`, 403],
    [{ trustProxy: 1 }, CIO_US, 200],
    [{ regions: ['eu'], trustProxy: 1 }, CIO_US, 403],
    [{ regions: ['eu'], trustProxy: 1 }, CIO_EU, 200],
  ]
  for (const [options, forwardedFor, status] of scenarios) {
    const app = express()
    app.post('/hook', customerioIpAllowList({ ...options, onRefused: (client) => refused.push(client) }), (req, res) =>
      res.json({ ok: true }),
    )
    const server = http.createServer(app)
    const port = await serve(server)
    try {
      const answer = await post(port, forwardedFor)
      assert.equal(answer.status, status, JSON.stringify({ options, forwardedFor }))
      if (status === 403) assert.deepEqual(JSON.parse(answer.body), { error: 'IP_NOT_ALLOWED' })
    } finally {
      await close(server)
    }
  }
  assert.deepEqual(refused, ['127.0.0.1', '127.0.0.1', STRANGER, STRANGER, CIO_US])
})

test('node:http on a dual-stack socket: the IPv4-mapped peer is matched as IPv4', async () => {
  const guard = customerioIpAllowList({ regions: ['us'], addresses: ['127.0.0.1'] })
  const peers = []
  const server = http.createServer((req, res) => {
    peers.push(req.socket.remoteAddress)
    if (!guard.node(req, res)) return
    res.end('ok')
  })
  let port
  try {
    port = await serve(server, '::')
  } catch {
    // No IPv6 on this machine: the mapping is still covered by the unit cases above.
    port = await serve(server, '0.0.0.0')
  }
  try {
    assert.equal((await post(port)).status, 200)
    assert.ok(['::ffff:127.0.0.1', '127.0.0.1'].includes(peers[0]), peers[0])
  } finally {
    await close(server)
  }
  const strict = customerioIpAllowList({ regions: ['us'] })
  const refusing = http.createServer((req, res) => {
    if (strict.node(req, res)) res.end('ok')
  })
  const refusingPort = await serve(refusing)
  try {
    assert.equal((await post(refusingPort, CIO_US)).status, 403)
  } finally {
    await close(refusing)
  }
})

test('Fastify: the onRequest hook refuses before the route runs', async () => {
  for (const [options, forwardedFor, status] of [
    [{ trustProxy: 1 }, CIO_US, 200],
    [{ trustProxy: 1 }, STRANGER, 403],
    [{}, CIO_US, 403],
  ]) {
    const app = Fastify()
    let ran = 0
    app.addHook('onRequest', customerioIpAllowList(options).fastify)
    app.post('/hook', async () => {
      ran++
      return { ok: true }
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    try {
      const answer = await post(app.server.address().port, forwardedFor)
      assert.equal(answer.status, status)
      assert.equal(ran, status === 200 ? 1 : 0)
    } finally {
      await app.close()
    }
  }
})

test('Web Request: the runtime gives the peer; null lets it through, a 403 Response otherwise', async () => {
  const guard = customerioIpAllowList({ regions: ['us', 'eu'] })
  const request = (forwardedFor) =>
    new Request('https://example.test/hook', {
      method: 'POST',
      headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {},
    })
  assert.equal(guard.fetch(request(), CIO_EU), null)
  const refusal = guard.fetch(request(CIO_US), STRANGER)
  assert.equal(refusal.status, 403)
  assert.deepEqual(await refusal.json(), { error: 'IP_NOT_ALLOWED' })
  assert.equal(guard.fetch(request(), undefined).status, 403, 'no peer address: refused')
  const behindProxy = customerioIpAllowList({ trustProxy: ['10.0.0.0/8'] })
  assert.equal(behindProxy.fetch(request(CIO_US), '10.1.1.1'), null)
})

/** A fake App API: `answers` is a list of [status, body] served in turn; requests are recorded. */
async function fakeAppApi(answers) {
  const seen = []
  const server = http.createServer((req, res) => {
    seen.push({ url: req.url, authorization: req.headers.authorization, at: Date.now() })
    const [status, body] = answers[Math.min(seen.length - 1, answers.length - 1)]
    res.writeHead(status, { 'content-type': 'application/json' })
    res.end(typeof body === 'string' ? body : JSON.stringify(body))
  })
  const port = await serve(server)
  return { seen, baseUrl: `http://127.0.0.1:${port}/v1`, close: () => close(server) }
}

test('refreshIpAllowList reads the App API with the key as a Bearer token', async () => {
  const api = await fakeAppApi([[200, { ip_addresses: ['198.51.100.1', '198.51.100.0/28'] }]])
  try {
    const result = await refreshIpAllowList({ appApiKey: new SecretValue('app-key-1'), baseUrl: api.baseUrl })
    assert.deepEqual(result.addresses, ['198.51.100.1', '198.51.100.0/28'])
    assert.equal(result.region, 'us')
    assert.equal(api.seen[0].url, '/v1/info/ip_addresses')
    assert.equal(api.seen[0].authorization, 'Bearer app-key-1')
  } finally {
    await api.close()
  }
})

test('refresh failures keep the last good list and never show the key', async () => {
  const api = await fakeAppApi([
    [200, ['198.51.100.7']],
    [500, { error: 'boom' }],
    [429, 'rate limited to 10 requests per 1s'],
    [200, 'not json'],
    [200, { ip_addresses: ['198.51.100.8', 'not-an-ip'] }],
    [200, { ip_addresses: [] }],
  ])
  const guard = customerioIpAllowList({ regions: ['us'] })
  const options = { appApiKey: 'app-key-secret-2', baseUrl: api.baseUrl }
  try {
    assert.deepEqual(await guard.refresh(options), { us: { ok: true, count: 1 } })
    assert.equal(guard.allows('198.51.100.7'), true)
    assert.equal(guard.allows(CIO_US), false, 'the live list replaced the built-in one')
    const codes = []
    for (let i = 0; i < 5; i++) codes.push((await guard.refresh(options)).us.code)
    assert.deepEqual(codes, [
      'ERR_REFRESH_FAILED',
      'ERR_RATE_LIMITED',
      'ERR_INVALID_RESPONSE',
      'ERR_INVALID_RESPONSE',
      'ERR_INVALID_RESPONSE',
    ])
    assert.deepEqual(guard.addresses, ['198.51.100.7'], 'the last good list stays')
    const error = await refreshIpAllowList(options).catch((e) => e)
    assert.equal(error.code, 'ERR_INVALID_RESPONSE')
    assert.ok(!String(error.message).includes('app-key-secret-2') && !String(error.stack).includes('app-key-secret-2'))
  } finally {
    await api.close()
  }
  const unreachable = await refreshIpAllowList({
    appApiKey: 'k',
    baseUrl: 'http://127.0.0.1:1/v1',
    timeoutMs: 2000,
  }).catch((e) => e)
  assert.equal(unreachable.code, 'ERR_REFRESH_FAILED')
  await assert.rejects(refreshIpAllowList({ appApiKey: ' k ' }), { code: 'ERR_INVALID_SECRET' })
  await assert.rejects(refreshIpAllowList({ appApiKey: 'k', region: 'apac' }), { code: 'ERR_INVALID_ARGUMENT' })
})

test('calls are spaced at least 110 ms apart: never over the App API limit of 10 per second', async () => {
  const api = await fakeAppApi([[200, ['198.51.100.9']]])
  try {
    await Promise.all(Array.from({ length: 12 }, () => refreshIpAllowList({ appApiKey: 'k', baseUrl: api.baseUrl })))
    assert.equal(api.seen.length, 12)
    const times = api.seen.map((request) => request.at).sort((a, b) => a - b)
    // Within any one second, at most 10 requests arrived.
    for (let i = 10; i < times.length; i++)
      assert.ok(times[i] - times[i - 10] >= 1000, `${times[i] - times[i - 10]} ms`)
  } finally {
    await api.close()
  }
})
