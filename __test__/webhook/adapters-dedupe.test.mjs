// The receiver's de-duplication through the Fastify, node:http and Web Request adapters, over
// real HTTP on 127.0.0.1. What is under test is each adapter's side of the contract: it reports
// how the delivery was answered (complete(status)), so a replay of a handled event is answered
// 200 duplicate without reaching the app, and the retry of a failed one gets through.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import Fastify from 'fastify'

import { customerioFastify, customerioFetchHandler, customerioNodeHandler, verifyWebhookRequest } from '../../index.js'
import { post } from '../helpers/express-client.mjs'
import { listenFetch } from '../helpers/web-request-server.mjs'
import { SECRET, eventBody, signedHeaders } from '../helpers/dedupe.mjs'

/**
 * The app side each adapter serves: records the event id, fails the first delivery of an id
 * listed in `failOnce` (the adapter's own way of failing), otherwise succeeds.
 */
function application() {
  const log = []
  const failOnce = new Set()
  return {
    log,
    failOnce,
    handle(event) {
      log.push(event.event_id)
      if (failOnce.delete(event.event_id)) throw Object.assign(new Error('downstream failed'), { code: 'DOWNSTREAM' })
    },
  }
}

const SERVERS = {
  async fastify(app) {
    const fastify = Fastify()
    fastify.register(customerioFastify, {
      secret: SECRET,
      dedupe: true,
      path: '/hook',
      handler: async (request) => {
        app.handle(request.customerioEvent)
        return { ok: true }
      },
    })
    await fastify.listen({ port: 0, host: '127.0.0.1' })
    return { port: fastify.server.address().port, close: () => fastify.close() }
  },
  async nodeHttp(app) {
    const listener = customerioNodeHandler({ secret: SECRET, dedupe: true, onError: () => {} }, (event) =>
      app.handle(event),
    )
    const server = http.createServer(listener).listen(0, '127.0.0.1')
    await once(server, 'listening')
    return {
      port: server.address().port,
      close() {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(resolve))
      },
    }
  },
  async fetchHandler(app) {
    return listenFetch(customerioFetchHandler({ secret: SECRET, dedupe: true }, (event) => app.handle(event)))
  },
  async verifyWebhookRequest(app) {
    const options = { secret: SECRET, dedupe: true }
    return listenFetch(async (request) => {
      const result = await verifyWebhookRequest(request, options)
      if (!result.ok) return result.response
      let response
      try {
        app.handle(result.event)
        response = Response.json({ ok: true })
      } catch {
        response = Response.json({ error: 'FAILED' }, { status: 500 })
      }
      result.complete(response.status)
      return response
    })
  },
}

for (const [name, start] of Object.entries(SERVERS)) {
  describe(`dedupe through ${name}`, () => {
    test(`${name}: a replay is answered 200 duplicate; a failed delivery's retry gets through`, async () => {
      const app = application()
      const server = await start(app)
      try {
        const body = eventBody()
        const headers = signedHeaders(body)
        const id = JSON.parse(body).event_id
        const first = await post(server.port, '/hook', body, { headers })
        assert.equal(first.status, 200, first.text)
        for (let i = 0; i < 2; i++) {
          const replay = await post(server.port, '/hook', body, { headers })
          assert.equal(replay.status, 200, replay.text)
          assert.deepEqual(replay.json, { duplicate: true })
        }
        assert.deepEqual(app.log, [id])

        const failing = eventBody()
        const failingId = JSON.parse(failing).event_id
        app.failOnce.add(failingId)
        const failed = await post(server.port, '/hook', failing, { headers: signedHeaders(failing) })
        assert.equal(failed.status, 500, failed.text)
        const retry = await post(server.port, '/hook', failing, { headers: signedHeaders(failing) })
        assert.equal(retry.status, 200, retry.text)
        assert.notDeepEqual(retry.json, { duplicate: true })
        assert.deepEqual(app.log, [id, failingId, failingId])
      } finally {
        await server.close()
      }
    })
  })
}

test('verifyWebhookRequest: until complete() is called, a copy is answered 503 in progress, never 200', async () => {
  const options = { secret: SECRET, dedupe: true }
  const pending = []
  const server = await listenFetch(async (request) => {
    const result = await verifyWebhookRequest(request, options)
    if (!result.ok) return result.response
    pending.push(result)
    return Response.json({ ok: true })
  })
  try {
    const body = eventBody()
    const headers = signedHeaders(body)
    assert.equal((await post(server.port, '/hook', body, { headers })).status, 200)
    const copy = await post(server.port, '/hook', body, { headers })
    assert.equal(copy.status, 503, copy.text)
    assert.equal(copy.json.error, 'DELIVERY_IN_PROGRESS')
    await pending[0].complete(200)
    assert.deepEqual((await post(server.port, '/hook', body, { headers })).json, { duplicate: true })
    assert.equal(pending.length, 1)
  } finally {
    await server.close()
  }
})
