// Methods other than POST on the webhook route, through every adapter over real HTTP on
// 127.0.0.1: Express 4 and 5 (mounted with app.use and app.all), Fastify, node:http, and Web
// Requests (customerioFetchHandler and verifyWebhookRequest behind a server that builds them the
// way Hono's Node adapter does). A GET health check, a HEAD, a CORS preflight or a stray PUT is
// answered 405 with `Allow: POST` and the same JSON body everywhere, before any body is read, and
// reaches neither onInvalid, onDuplicate nor the de-duplication store. POSTs are unchanged.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import { createRequire } from 'node:module'
import Fastify from 'fastify'

import {
  customerioFastify,
  customerioFetchHandler,
  customerioNodeHandler,
  customerioWebhook,
  verifyWebhookRequest,
} from '../../index.js'
import { EXPRESS_VERSIONS, listen, loadExpress } from '../helpers/express-app.mjs'
import { BODY_MODES, listenFetch } from '../helpers/web-request-server.mjs'
import { BODY, EVENT, JSON_TYPE, SECRET, signed } from '../helpers/webhook-http-cases.mjs'

const require = createRequire(import.meta.url)
const { refuseMethod } = require('../../lib/webhook/receiver.js')

const HOOK = '/hook'
const REFUSED = ['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']
const EXPECTED_BODY = { error: 'METHOD_NOT_ALLOWED' }

/** A working in-memory DedupeStore that records every call made to it. */
function spyStore() {
  const calls = []
  const keys = new Map()
  return {
    calls,
    ttlSeconds: 86400,
    async claim(key, token) {
      calls.push('claim')
      if (keys.has(key)) return false
      keys.set(key, { token, done: false })
      return true
    },
    async commit(key, token) {
      calls.push('commit')
      const entry = keys.get(key)
      if (entry !== undefined && entry.token === token) entry.done = true
    },
    async release(key, token) {
      calls.push('release')
      if (keys.get(key)?.token === token) keys.delete(key)
    },
    async isDone(key) {
      calls.push('isDone')
      return keys.get(key)?.done === true
    },
  }
}

/** The options every adapter gets, with spies on each callback and on the store. */
function spies() {
  const invalid = []
  const duplicates = []
  const store = spyStore()
  return {
    invalid,
    duplicates,
    store,
    options: {
      secret: SECRET,
      dedupe: store,
      onInvalid: (reason) => invalid.push(reason),
      onDuplicate: (key) => duplicates.push(key),
    },
  }
}

async function listenNode(listener) {
  const server = http.createServer(listener)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: server.address().port,
    close() {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(resolve))
    },
  }
}

function expressServer(name, mount) {
  return async (options, seen) => {
    const express = loadExpress(name)
    const app = express()
    app[mount](HOOK, customerioWebhook(options), (req, res) => {
      seen.push(req.customerioEvent)
      res.status(200).json({ ok: true })
    })
    app.use((error, req, res, next) => {
      res.status(500).json({ error: 'UNHANDLED', code: error && error.code })
    })
    return listen(app)
  }
}

function fetchServer(kind, mode) {
  return async (options, seen) => {
    const handle =
      kind === 'customerioFetchHandler'
        ? customerioFetchHandler(options, (event) => {
            seen.push(event)
          })
        : async (request) => {
            const result = await verifyWebhookRequest(request, options)
            if (!result.ok) return result.response
            seen.push(result.event)
            const response = Response.json({ ok: true })
            result.complete(response.status)
            return response
          }
    return listenFetch(handle, { mode })
  }
}

/** Each adapter as `start(options, seen) -> { port, close }`, serving the webhook at HOOK. */
const ADAPTERS = {}
for (const name of EXPRESS_VERSIONS) {
  ADAPTERS[`${name} app.use(path)`] = expressServer(name, 'use')
  ADAPTERS[`${name} app.all(path)`] = expressServer(name, 'all')
}
ADAPTERS.fastify = async (options, seen) => {
  const app = Fastify()
  app.register(customerioFastify, {
    ...options,
    path: HOOK,
    handler: async (request) => {
      seen.push(request.customerioEvent)
      return { ok: true }
    },
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  return { port: app.server.address().port, close: () => app.close() }
}
ADAPTERS['node:http'] = (options, seen) =>
  listenNode(
    customerioNodeHandler({ ...options, onError: () => {} }, (event) => {
      seen.push(event)
    }),
  )
for (const mode of BODY_MODES) {
  ADAPTERS[`customerioFetchHandler (${mode} body)`] = fetchServer('customerioFetchHandler', mode)
  ADAPTERS[`verifyWebhookRequest (${mode} body)`] = fetchServer('verifyWebhookRequest', mode)
}

/**
 * One request on a fresh connection. With `hold: true` the declared Content-Length is 1 KiB more
 * than what is written and the request is never ended: the answer can only come from a server
 * that does not wait for the body. Resolves to `{ status, headers, text, json }`.
 */
function send(port, method, { path = HOOK, headers = {}, body, hold = false } = {}) {
  const bytes = body === undefined ? null : Buffer.from(body, 'utf8')
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method, agent: false })
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value)
    if (bytes !== null) req.setHeader('content-length', bytes.length + (hold ? 1024 : 0))
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        if (hold) req.destroy()
        resolve({ status: res.statusCode, headers: res.headers, text, json })
      })
      res.on('error', reject)
    })
    req.on('error', (error) => {
      // Destroying a held request after its answer arrived is expected.
      if (!hold) reject(error)
    })
    if (bytes !== null) req.write(bytes)
    if (!hold) req.end()
  })
}

function assertMethodRefused(res, method) {
  assert.equal(res.status, 405, `${method}: ${res.status} ${res.text}`)
  assert.equal(res.headers.allow, 'POST', method)
  assert.match(res.headers['content-type'], /^application\/json/, method)
  if (method === 'HEAD') {
    assert.equal(res.text, '', 'HEAD: no body')
  } else {
    assert.deepEqual(res.json, EXPECTED_BODY, method)
  }
}

test('the one definition: refuseMethod passes POST and refuses every other method alike', () => {
  assert.equal(refuseMethod('POST'), null)
  for (const method of [...REFUSED, 'TRACE', 'post', undefined]) {
    const refusal = refuseMethod(method)
    assert.equal(refusal.accepted, false)
    assert.equal(refusal.status, 405)
    assert.deepEqual(refusal.payload, EXPECTED_BODY)
    assert.deepEqual(refusal.headers, { allow: 'POST' })
    assert.ok(Object.isFrozen(refusal) && Object.isFrozen(refusal.payload) && Object.isFrozen(refusal.headers))
  }
})

for (const [name, start] of Object.entries(ADAPTERS)) {
  describe(name, () => {
    /** Starts the adapter with spies, runs `run`, always closes. */
    async function withAdapter(run) {
      const spy = spies()
      const seen = []
      const server = await start(spy.options, seen)
      try {
        await run(server.port, { ...spy, seen })
      } finally {
        await server.close()
      }
    }

    test(`${name}: GET, HEAD, PUT, DELETE, OPTIONS and PATCH are answered 405 with Allow: POST, nothing called`, async () => {
      await withAdapter(async (port, { invalid, duplicates, store, seen }) => {
        for (const method of REFUSED) {
          // A signed body on the methods that may carry one: refused for its method, never verified.
          const carriesBody = method !== 'GET' && method !== 'HEAD'
          const res = await send(port, method, carriesBody ? { headers: signed(BODY), body: BODY } : {})
          assertMethodRefused(res, method)
        }
        // An unsigned GET with a body, as a misconfigured checker might send.
        assertMethodRefused(await send(port, 'GET', { headers: JSON_TYPE, body: '{}' }), 'GET')
        assert.deepEqual(invalid, [], 'onInvalid called')
        assert.deepEqual(duplicates, [], 'onDuplicate called')
        assert.deepEqual(store.calls, [], 'the dedupe store was touched')
        assert.equal(seen.length, 0)
      })
    })

    // A server that waited for the body would never answer: the timeout turns that into a failure.
    test(`${name}: the 405 comes before the body is read (the client has not finished sending)`, {
      timeout: 10_000,
    }, async () => {
      await withAdapter(async (port, { invalid, store }) => {
        for (const method of ['PUT', 'DELETE', 'OPTIONS', 'GET']) {
          const res = await send(port, method, { headers: JSON_TYPE, body: BODY, hold: true })
          assertMethodRefused(res, method)
        }
        assert.deepEqual(invalid, [])
        assert.deepEqual(store.calls, [])
      })
    })

    test(`${name}: POST is unchanged: signed is accepted, unsigned is 401 and reported once`, async () => {
      await withAdapter(async (port, { invalid, duplicates, store, seen }) => {
        const accepted = await send(port, 'POST', { headers: signed(BODY), body: BODY })
        assert.equal(accepted.status, 200, accepted.text)
        assert.equal(accepted.headers.allow, undefined)
        assert.deepEqual(seen, [EVENT])
        assert.deepEqual(store.calls, ['claim', 'commit'])

        const refused = await send(port, 'POST', { headers: JSON_TYPE, body: BODY })
        assert.equal(refused.status, 401, refused.text)
        assert.equal(refused.headers.allow, undefined)
        assert.deepEqual(refused.json, { error: 'MISSING_SIGNATURE' })
        assert.deepEqual(invalid, ['MISSING_SIGNATURE'])
        assert.deepEqual(duplicates, [])
        assert.deepEqual(store.calls, ['claim', 'commit'], 'an unsigned delivery reached the store')
        assert.equal(seen.length, 1)
      })
    })
  })
}

describe('Express mounted with app.post(path)', () => {
  for (const name of EXPRESS_VERSIONS) {
    test(`${name}: other methods never reach the middleware: Express answers them, no 401, no onInvalid`, async () => {
      const spy = spies()
      const seen = []
      const server = await expressServer(name, 'post')(spy.options, seen)
      try {
        for (const method of ['GET', 'HEAD', 'PUT', 'DELETE']) {
          const res = await send(server.port, method)
          assert.equal(res.status, 404, `${method}: ${res.status}`)
        }
        // Express's own answer to OPTIONS on a route it knows: 200 listing the route's methods.
        const options = await send(server.port, 'OPTIONS')
        assert.equal(options.status, 200)
        assert.equal(options.headers.allow, 'POST')
        assert.deepEqual(spy.invalid, [])
        assert.deepEqual(spy.store.calls, [])

        const accepted = await send(server.port, 'POST', { headers: signed(BODY), body: BODY })
        assert.equal(accepted.status, 200, accepted.text)
        assert.deepEqual(seen, [EVENT])
      } finally {
        await server.close()
      }
    })
  }
})

describe('Fastify: the 405 route', () => {
  test('follows the register prefix, and a method the app routes on the path stays the app’s', async () => {
    const spy = spies()
    const app = Fastify()
    // The app's own health check on the webhook's path, declared before and after the plugin.
    app.get('/api/hook', async () => ({ healthy: true }))
    app.register(customerioFastify, { ...spy.options, prefix: '/api', path: HOOK, handler: async () => ({ ok: true }) })
    app.delete('/api/hook', async () => ({ deleted: false }))
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address()
    try {
      assert.deepEqual((await send(port, 'GET', { path: '/api/hook' })).json, { healthy: true })
      // Fastify derives HEAD from the app's GET route.
      assert.equal((await send(port, 'HEAD', { path: '/api/hook' })).status, 200)
      assert.deepEqual((await send(port, 'DELETE', { path: '/api/hook' })).json, { deleted: false })
      for (const method of ['PUT', 'OPTIONS', 'PATCH']) {
        assertMethodRefused(await send(port, method, { path: '/api/hook', headers: JSON_TYPE, body: '{}' }), method)
      }
      // Outside the prefix there is no webhook route at all.
      assert.equal((await send(port, 'PUT', { path: HOOK })).status, 404)
      const accepted = await send(port, 'POST', { path: '/api/hook', headers: signed(BODY), body: BODY })
      assert.equal(accepted.status, 200, accepted.text)
      assert.deepEqual(spy.invalid, [])
    } finally {
      await app.close()
    }
  })
})

describe('verifyWebhookRequest without a server', () => {
  /** A Request with a body stream that records whether anything pulled from it. */
  function requestWithSpiedBody(method) {
    const pulls = []
    // highWaterMark 0: the stream pulls only when a reader asks, never to fill a queue.
    const body = new ReadableStream(
      {
        pull(controller) {
          pulls.push(1)
          controller.enqueue(new TextEncoder().encode(BODY))
          controller.close()
        },
      },
      { highWaterMark: 0 },
    )
    const request = new Request(`http://127.0.0.1${HOOK}`, { method, body, duplex: 'half', headers: signed(BODY) })
    return { request, pulls }
  }

  test('PUT, DELETE, OPTIONS, PATCH: { ok: false } with a 405 response, the body stream never pulled', async () => {
    for (const method of ['PUT', 'DELETE', 'OPTIONS', 'PATCH']) {
      const spy = spies()
      const { request, pulls } = requestWithSpiedBody(method)
      const result = await verifyWebhookRequest(request, spy.options)
      assert.equal(result.ok, false)
      assert.deepEqual(Object.keys(result).sort(), ['ok', 'response'])
      assert.equal(result.response.status, 405)
      assert.equal(result.response.headers.get('allow'), 'POST')
      assert.match(result.response.headers.get('content-type'), /^application\/json/)
      assert.deepEqual(await result.response.json(), EXPECTED_BODY)
      assert.equal(request.bodyUsed, false, `${method}: body read`)
      assert.deepEqual(pulls, [], `${method}: body stream pulled`)
      assert.deepEqual(spy.invalid, [])
      assert.deepEqual(spy.store.calls, [])
    }
    // The spy works: a POST's body is pulled (and verified).
    const { request, pulls } = requestWithSpiedBody('POST')
    assert.equal((await verifyWebhookRequest(request, { secret: SECRET })).ok, true)
    assert.equal(pulls.length, 1)
  })

  test('GET and HEAD: 405; the HEAD answer has no body', async () => {
    const spy = spies()
    const get = await verifyWebhookRequest(new Request(`http://127.0.0.1${HOOK}`), spy.options)
    assert.equal(get.response.status, 405)
    assert.deepEqual(await get.response.json(), EXPECTED_BODY)
    const head = await verifyWebhookRequest(new Request(`http://127.0.0.1${HOOK}`, { method: 'HEAD' }), spy.options)
    assert.equal(head.response.status, 405)
    assert.equal(head.response.headers.get('allow'), 'POST')
    assert.equal(head.response.body, null)
    assert.deepEqual(spy.invalid, [])
    assert.deepEqual(spy.store.calls, [])
  })

  test('customerioFetchHandler does not call onEvent for a GET', async () => {
    const spy = spies()
    let calls = 0
    const handle = customerioFetchHandler(spy.options, () => {
      calls += 1
    })
    const response = await handle(new Request(`http://127.0.0.1${HOOK}`))
    assert.equal(response.status, 405)
    assert.equal(response.headers.get('allow'), 'POST')
    assert.equal(calls, 0)
    assert.deepEqual(spy.invalid, [])
  })
})
