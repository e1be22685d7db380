// Data Pipelines deliveries (X-Signature: hex HMAC-SHA1 of the body, signed here with node:crypto)
// through every adapter over real HTTP: a batch of 1000 Segment-spec events, forged and junk
// signatures, per-event de-duplication by messageId (in memory and across two receivers sharing a
// real redis-server), and the redacted copy for logs.

import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'

import { createClient } from 'redis'

import {
  customerioFastify,
  customerioFetchHandler,
  customerioNodeHandler,
  customerioWebhook,
  memoryDedupeStore,
  redisDedupeStore,
  verifyWebhookRequest,
} from '../../index.js'
import { post } from '../helpers/express-client.mjs'
import { missingRedisPolicy, startRedisServer } from '../helpers/redis-server.mjs'

const require = createRequire(import.meta.url)
const express = require('express5')
const Fastify = require('fastify')

const SECRET = 'pipelines-shared-secret'
const TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias']

/** A Segment-spec event of each type in turn, with a unique messageId. */
function segmentEvent(i, prefix = 'm') {
  const type = TYPES[i % TYPES.length]
  const event = {
    type,
    messageId: `${prefix}-${i}`,
    userId: `user-${i}`,
    timestamp: '2026-12-03T12:00:00.000Z',
    context: { ip: '203.0.113.7', library: { name: 'analytics-node', version: '1.0.0' } },
  }
  if (type === 'identify') event.traits = { email: `person${i}@example.com` }
  if (type === 'track') Object.assign(event, { event: 'Order Completed', properties: { total: i } })
  if (type === 'page' || type === 'screen') event.name = 'Home'
  if (type === 'group') Object.assign(event, { groupId: `g-${i}`, traits: { name: 'Acme' } })
  if (type === 'alias') event.previousId = `anon-${i}`
  return event
}

function batchOf(events) {
  return JSON.stringify({ batch: events })
}

function signature(body, secret = SECRET) {
  return createHmac('sha1', secret).update(body).digest('hex')
}

function headers(body, secret) {
  return { 'content-type': 'application/json', 'x-signature': signature(body, secret) }
}

async function serve(server) {
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: server.address().port,
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  }
}

/** An Express app with the middleware under `options`; `seen` collects each handler call's events. */
async function expressApp(options, seen, answer = () => 200) {
  const app = express()
  app.post('/hook', customerioWebhook({ scheme: 'pipelines', secret: SECRET, ...options }), (req, res) => {
    seen.push({ events: req.customerioWebhook.events, webhook: req.customerioWebhook, event: req.customerioEvent })
    res.status(answer(req)).json({ ok: true })
  })
  return serve(http.createServer(app))
}

test('Express: a batch of 1000 events is verified and handed over whole, in order', async () => {
  const seen = []
  const server = await expressApp({}, seen)
  try {
    const events = Array.from({ length: 1000 }, (_, i) => segmentEvent(i))
    const body = batchOf(events)
    const res = await post(server.port, '/hook', body, { headers: headers(body) })
    assert.equal(res.status, 200, res.text)
    assert.equal(seen.length, 1)
    assert.deepEqual(seen[0].events, events)
    assert.deepEqual(seen[0].event, { batch: events })
    assert.equal(seen[0].webhook.timestamp, null)
    // A bare JSON array and a single event are batches too.
    for (const shape of [JSON.stringify(events.slice(0, 3)), JSON.stringify(events[0])]) {
      const again = await post(server.port, '/hook', shape, { headers: headers(shape) })
      assert.equal(again.status, 200)
    }
    assert.equal(seen[1].events.length, 3)
    assert.equal(seen[2].events.length, 1)
  } finally {
    await server.close()
  }
})

test('Express: forged, missing, misplaced and junk signatures are refused with their reason', async () => {
  const seen = []
  const server = await expressApp({}, seen)
  try {
    const body = batchOf([segmentEvent(1)])
    const cases = [
      [headers(body, 'another-secret'), 'SIGNATURE_MISMATCH'],
      [{ 'content-type': 'application/json' }, 'MISSING_SIGNATURE'],
      // The reporting webhooks' header is not read under this scheme.
      [{ 'x-cio-signature': signature(body), 'x-cio-timestamp': '1' }, 'MISSING_SIGNATURE'],
      [{ 'x-signature': `sha1=${signature(body)}` }, 'MALFORMED_SIGNATURE'],
      [{ 'x-signature': createHmac('sha256', SECRET).update(body).digest('hex') }, 'MALFORMED_SIGNATURE'],
      [{ 'x-signature': [signature(body), signature(body, 'x')] }, 'MALFORMED_SIGNATURE'],
    ]
    for (const [sent, reason] of cases) {
      const res = await post(server.port, '/hook', body, { headers: sent })
      assert.equal(res.status, 401, reason)
      assert.deepEqual(res.json, { error: reason })
    }
    // Signed junk that is no batch of event objects.
    for (const junk of ['null', '[1,2]', '{"batch":[null]}', '"text"']) {
      const res = await post(server.port, '/hook', junk, { headers: headers(junk) })
      assert.equal(res.status, 400, junk)
      assert.deepEqual(res.json, { error: 'INVALID_EVENT' })
    }
    assert.equal(seen.length, 0)
  } finally {
    await server.close()
  }
})

test('node:http, Fastify and Web Request adapters take the same scheme option', async () => {
  const body = batchOf([segmentEvent(0), segmentEvent(1)])
  const seen = []
  // node:http
  const node = await serve(
    http.createServer(
      customerioNodeHandler({ scheme: 'pipelines', secret: SECRET }, (event, { webhook, res }) => {
        seen.push(['node', webhook.events.length])
        res.end('ok')
      }),
    ),
  )
  // Fastify
  const app = Fastify()
  app.register(customerioFastify, {
    scheme: 'pipelines',
    secret: SECRET,
    path: '/hook',
    handler: async (request) => {
      seen.push(['fastify', request.customerioWebhook.events.length])
      return { ok: true }
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  // Web Request, served by node:http through a tiny bridge
  const handle = customerioFetchHandler({ scheme: 'pipelines', secret: SECRET }, (event, { webhook }) => {
    seen.push(['fetch', webhook.events.length])
    return new Response('ok')
  })
  const web = await serve(
    http.createServer(async (req, res) => {
      const chunks = []
      for await (const chunk of req) chunks.push(chunk)
      const request = new Request(`http://127.0.0.1${req.url}`, {
        method: req.method,
        headers: req.headers,
        body: Buffer.concat(chunks),
      })
      const response = await handle(request)
      res.writeHead(response.status, Object.fromEntries(response.headers))
      res.end(Buffer.from(await response.arrayBuffer()))
    }),
  )
  try {
    for (const port of [node.port, app.server.address().port, web.port]) {
      assert.equal((await post(port, '/hook', body, { headers: headers(body) })).status, 200)
      assert.equal((await post(port, '/hook', body, { headers: headers(body, 'forged') })).status, 401)
    }
    assert.deepEqual(seen, [
      ['node', 2],
      ['fastify', 2],
      ['fetch', 2],
    ])
    const direct = await verifyWebhookRequest(
      new Request('http://x/hook', { method: 'POST', headers: headers(body), body }),
      { scheme: 'pipelines', secret: SECRET },
    )
    assert.equal(direct.ok, true)
    assert.equal(direct.webhook.events.length, 2)
  } finally {
    await node.close()
    await app.close()
    await web.close()
  }
})

test('dedupe is per event: a retried or overlapping batch hands over only the events not handled yet', async () => {
  const seen = []
  let fail = false
  const duplicates = []
  const server = await expressApp(
    { dedupe: memoryDedupeStore(), onDuplicate: (key, request, state) => duplicates.push([key, state]) },
    seen,
    () => (fail ? 500 : 200),
  )
  const send = async (events) => {
    const body = batchOf(events)
    return post(server.port, '/hook', body, { headers: headers(body) })
  }
  const ids = () => seen.at(-1).events.map((event) => event.messageId)
  try {
    const [a, b, c, d] = [0, 1, 2, 3].map((i) => segmentEvent(i, 'dd'))
    assert.equal((await send([a, b, c])).status, 200)
    assert.deepEqual(ids(), ['dd-0', 'dd-1', 'dd-2'])
    assert.equal((await send([b, c, d])).status, 200)
    assert.deepEqual(ids(), ['dd-3'], 'only the new event')
    const again = await send([a, b])
    assert.equal(again.status, 200)
    assert.deepEqual(again.json, { duplicate: true })
    assert.equal(seen.length, 2, 'a batch of handled events does not reach the handler')
    // The same event twice in one batch is handed over once.
    const e = segmentEvent(4, 'dd')
    await send([e, e])
    assert.deepEqual(ids(), ['dd-4'])
    // A failed handler releases its events: the retry hands them over again.
    fail = true
    const f = segmentEvent(5, 'dd')
    assert.equal((await send([f])).status, 500)
    fail = false
    await new Promise((resolve) => setTimeout(resolve, 50))
    assert.equal((await send([f])).status, 200)
    assert.deepEqual(ids(), ['dd-5'])
    // Events without a messageId cannot be de-duplicated: always handed over.
    const { messageId, ...anonymous } = segmentEvent(6, 'dd')
    await send([anonymous])
    await send([anonymous])
    assert.equal(seen.at(-1).events.length, 1)
    assert.ok(duplicates.some(([key, state]) => key === 'message:dd-0' && state === 'done'))
  } finally {
    await server.close()
  }
})

test('redact: true puts a copy without the person on webhook.redacted', async () => {
  const seen = []
  const server = await expressApp({ redact: true }, seen)
  try {
    const body = batchOf([segmentEvent(0), segmentEvent(1)])
    assert.equal((await post(server.port, '/hook', body, { headers: headers(body) })).status, 200)
    const text = JSON.stringify(seen[0].webhook.redacted)
    assert.ok(!/person0@example\.com|user-0|203\.0\.113\.7/.test(text), text)
    assert.deepEqual(
      seen[0].webhook.redacted.batch.map((event) => event.messageId),
      ['m-0', 'm-1'],
    )
    // The handler still gets the events as sent.
    assert.equal(seen[0].events[0].traits.email, 'person0@example.com')
  } finally {
    await server.close()
  }
  assert.throws(() => customerioWebhook({ scheme: 'pipelines', secret: SECRET, redact: 'yes' }), {
    code: 'ERR_INVALID_ARGUMENT',
  })
})

test('a batch handled longer than its lease keeps every event claimed, renewed on one timer', async () => {
  const store = memoryDedupeStore({ leaseSeconds: 0.15 })
  const renewed = new Map()
  const counting = {
    ...store,
    ttlSeconds: store.ttlSeconds,
    leaseSeconds: store.leaseSeconds,
    renew: (key, token) => {
      renewed.set(key, (renewed.get(key) ?? 0) + 1)
      return store.renew(key, token)
    },
  }
  let release
  const released = new Promise((resolve) => (release = resolve))
  let entered
  const running = new Promise((resolve) => (entered = resolve))
  const app = express()
  app.post('/hook', customerioWebhook({ scheme: 'pipelines', secret: SECRET, dedupe: counting }), async (req, res) => {
    entered()
    await released
    res.status(200).json({ ok: true })
  })
  const server = await serve(http.createServer(app))
  // Timers started while the batch is admitted: one for its 40 claims, not one each.
  const realSetInterval = globalThis.setInterval
  let intervals = 0
  globalThis.setInterval = (...args) => {
    intervals++
    return realSetInterval(...args)
  }
  try {
    const events = Array.from({ length: 40 }, (_, i) => segmentEvent(i, 'lease'))
    const body = batchOf(events)
    const first = post(server.port, '/hook', body, { headers: headers(body) })
    await running
    globalThis.setInterval = realSetInterval
    assert.equal(intervals, 1)
    // Four leases later every claim is still held: a copy is refused, not handed over.
    await new Promise((resolve) => setTimeout(resolve, 600))
    const copy = await post(server.port, '/hook', body, { headers: headers(body) })
    assert.equal(copy.status, 503)
    assert.equal(renewed.size, 40, 'every event is renewed')
    assert.ok(Math.min(...renewed.values()) >= 2)
    release()
    assert.equal((await first).status, 200)
    assert.deepEqual((await post(server.port, '/hook', body, { headers: headers(body) })).json, { duplicate: true })
  } finally {
    globalThis.setInterval = realSetInterval
    release()
    await server.close()
  }
})

const redisPolicy = missingRedisPolicy()
describe('per-event dedupe across two receivers sharing redis-server', {
  skip: redisPolicy.skip || (redisPolicy.missing ? 'redis-server missing' : false),
}, () => {
  let redis
  let client
  before(async () => {
    redis = await startRedisServer()
    client = createClient({ url: redis.url })
    client.on('error', () => {})
    await client.connect()
  })
  after(async () => {
    await client?.quit().catch(() => {})
    await redis?.stop()
  })

  test('overlapping batches sent to either instance: every event handled exactly once', async () => {
    const seen = []
    const store = () => redisDedupeStore(client, { prefix: `pipelines-${process.pid}:` })
    const one = await expressApp({ dedupe: store() }, seen)
    const two = await expressApp({ dedupe: store() }, seen)
    try {
      const events = Array.from({ length: 300 }, (_, i) => segmentEvent(i, 'rr'))
      // Windows of 50 events moving by 25: every event is sent twice, to alternating instances.
      const sends = []
      for (let start = 0; start + 50 <= events.length; start += 25) {
        const body = batchOf(events.slice(start, start + 50))
        const port = (start / 25) % 2 === 0 ? one.port : two.port
        sends.push(async () => {
          for (let attempt = 0; attempt < 200; attempt++) {
            const res = await post(port, '/hook', body, { headers: headers(body) })
            if (res.status === 200) return
            assert.equal(res.status, 503, res.text)
            await new Promise((resolve) => setTimeout(resolve, 10))
          }
          throw new Error('still in progress')
        })
      }
      await Promise.all(sends.map((send) => send()))
      const handled = seen.flatMap((call) => call.events.map((event) => event.messageId))
      assert.equal(handled.length, new Set(handled).size, 'no event handled twice')
      assert.deepEqual(new Set(handled), new Set(events.map((event) => event.messageId)))
    } finally {
      await one.close()
      await two.close()
    }
  })
})
