// customerioFastify in real Fastify 5 and Fastify 4 apps (the versions the docs name; Fastify 4 is
// the dev dependency `fastify4`) over real HTTP on 127.0.0.1. Each test starts its own
// app beside an ordinary JSON route, sends bad deliveries, then checks a good one is still
// accepted. Signatures come from signWebhook and, independently, from node:crypto.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { IncomingMessage } from 'node:http'
import Fastify5 from 'fastify'
import Fastify4 from 'fastify4'

import { customerioFastify } from '../../index.js'
import { nowSeconds, post } from '../helpers/express-client.mjs'
import {
  BODY,
  EVENT,
  JSON_TYPE,
  OTHER_SECRET,
  OVERSIZED,
  SECRET,
  cryptoSigned,
  expectRefusal,
  repeatedSignatures,
  signed,
} from '../helpers/webhook-http-cases.mjs'

const HOOK = '/webhooks/customerio'

for (const [version, Fastify] of [
  ['Fastify 5', Fastify5],
  ['Fastify 4', Fastify4],
]) {
  describe(version, () => {
    /**
     * An app with the plugin (its handler records what it saw) and a plain JSON route `/json`,
     * listening on port 0 and always closed. `run` gets the port, the records and the app.
     */
    async function withApp(pluginOptions, run, { setup } = {}) {
      const app = Fastify()
      const seen = []
      app.post('/json', async (request) => ({ parsed: request.body }))
      if (setup !== undefined) setup(app)
      app.register(customerioFastify, {
        secret: SECRET,
        handler: async (request) => {
          seen.push({
            event: request.customerioEvent,
            rawBody: request.rawBody,
            webhook: request.customerioWebhook,
            body: request.body,
          })
          return { ok: true }
        },
        ...pluginOptions,
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      try {
        await run(app.server.address().port, seen, app)
      } finally {
        await app.close()
      }
    }

    async function assertStillServing(port, seen, path = HOOK) {
      const before = seen.length
      const res = await post(port, path, BODY, { headers: signed(BODY) })
      assert.equal(res.status, 200, res.text)
      assert.equal(seen.length, before + 1)
      assert.deepEqual(seen.at(-1).event, EVENT)
    }

    test('a valid delivery reaches the handler with the event, the raw bytes and the webhook', async () => {
      await withApp({}, async (port, seen) => {
        const res = await post(port, HOOK, BODY, { headers: signed(BODY) })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(res.json, { ok: true })
        assert.equal(seen.length, 1)
        assert.deepEqual(seen[0].event, EVENT)
        assert.ok(Buffer.isBuffer(seen[0].rawBody) && seen[0].rawBody.equals(Buffer.from(BODY)))
        // Fastify's own body is the same bytes, never a re-parsed object.
        assert.ok(Buffer.isBuffer(seen[0].body) && seen[0].body.equals(Buffer.from(BODY)))
        assert.equal(seen[0].webhook.secretIndex, 0)
        assert.equal(typeof seen[0].webhook.timestamp, 'number')
      })
    })

    test('a delivery signed with node:crypto directly is accepted', async () => {
      await withApp({}, async (port, seen) => {
        const timestamp = nowSeconds()
        const res = await post(port, HOOK, BODY, { headers: cryptoSigned(BODY, { timestamp }) })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(seen[0].event, EVENT)
        assert.equal(seen[0].webhook.timestamp, timestamp)
      })
    })

    test('a tampered body is refused with 401 and reported to onInvalid with the Fastify request', async () => {
      const reports = []
      await withApp({ onInvalid: (reason, request) => reports.push({ reason, request }) }, async (port, seen) => {
        const res = await post(port, HOOK, BODY.replace('"sent"', '"opened"'), { headers: signed(BODY) })
        expectRefusal(res, 401, 'SIGNATURE_MISMATCH')
        assert.deepEqual(res.json, { error: 'SIGNATURE_MISMATCH' })
        assert.equal(seen.length, 0)
        assert.equal(reports.length, 1)
        assert.equal(reports[0].reason, 'SIGNATURE_MISMATCH')
        assert.ok(reports[0].request.raw instanceof IncomingMessage)
        assert.equal(reports[0].request.url, HOOK)
        await assertStillServing(port, seen)
        assert.equal(reports.length, 1, 'a valid delivery is not reported')
      })
    })

    test('a delivery signed with another secret is refused', async () => {
      await withApp({}, async (port, seen) => {
        expectRefusal(
          await post(port, HOOK, BODY, { headers: signed(BODY, { secret: OTHER_SECRET }) }),
          401,
          'SIGNATURE_MISMATCH',
        )
        await assertStillServing(port, seen)
      })
    })

    test('timestamps an hour away either way are refused as too old or too new', async () => {
      await withApp({}, async (port, seen) => {
        const old = await post(port, HOOK, BODY, { headers: signed(BODY, { timestamp: nowSeconds() - 3600 }) })
        expectRefusal(old, 401, 'TIMESTAMP_TOO_OLD')
        const future = await post(port, HOOK, BODY, { headers: signed(BODY, { timestamp: nowSeconds() + 3600 }) })
        expectRefusal(future, 401, 'TIMESTAMP_TOO_NEW')
        assert.equal(seen.length, 0)
        await assertStillServing(port, seen)
      })
    })

    test('missing headers are refused, with or without a body and a content type', async () => {
      await withApp({}, async (port, seen) => {
        expectRefusal(await post(port, HOOK, BODY, { headers: JSON_TYPE }), 401, 'MISSING_SIGNATURE')
        expectRefusal(
          await post(port, HOOK, BODY, { headers: { ...signed(BODY), 'x-cio-timestamp': undefined } }),
          401,
          'MISSING_TIMESTAMP',
        )
        // No body and no content type: Fastify skips the parser, and the plugin still answers.
        expectRefusal(await post(port, HOOK, ''), 401, 'MISSING_SIGNATURE')
        assert.equal(seen.length, 0)
        await assertStillServing(port, seen)
      })
    })

    test('two different X-CIO-Signature headers are malformed; the same one twice is that one', async () => {
      await withApp({}, async (port, seen) => {
        const { same, different } = repeatedSignatures(BODY)
        for (const headers of different) {
          expectRefusal(await post(port, HOOK, BODY, { headers }), 401, 'MALFORMED_SIGNATURE')
        }
        assert.equal(seen.length, 0)
        const res = await post(port, HOOK, BODY, { headers: same })
        assert.equal(res.status, 200, res.text)
        assert.equal(seen.length, 1)
      })
    })

    for (const chunked of [false, true]) {
      const how = chunked ? 'chunked, without Content-Length' : 'with Content-Length'
      test(`a body over the limit is refused with 413 PAYLOAD_TOO_LARGE (${how})`, async () => {
        await withApp({ limit: '1kb' }, async (port, seen) => {
          const res = await post(port, HOOK, OVERSIZED, { headers: signed(OVERSIZED), chunked })
          expectRefusal(res, 413, 'PAYLOAD_TOO_LARGE')
          assert.match(res.json.message, /limit of 1024 bytes/)
          assert.equal(res.headers.connection, 'close')
          assert.equal(seen.length, 0)
          await assertStillServing(port, seen)
        })
      })
    }

    test('a verified body that is not JSON is refused with 400 INVALID_JSON, whatever its content type', async () => {
      await withApp({}, async (port, seen) => {
        const notJson = 'event_id=01E4C4CT6YDC7Y5M7FE1GWWPQJ&metric=sent'
        const form = { 'content-type': 'application/x-www-form-urlencoded' }
        expectRefusal(
          await post(port, HOOK, notJson, { headers: signed(notJson, { type: form }) }),
          400,
          'INVALID_JSON',
        )
        expectRefusal(await post(port, HOOK, notJson, { headers: signed(notJson) }), 400, 'INVALID_JSON')
        assert.equal(seen.length, 0)
        await assertStillServing(port, seen)
      })
    })

    test("the app's other routes keep Fastify's JSON parser and body limit", async () => {
      await withApp({ limit: '1kb' }, async (port, seen) => {
        // 2 KiB: over the plugin's limit, far under Fastify's default 1 MiB.
        const document = { name: 'x'.repeat(2048), nested: { n: 1 } }
        const res = await post(port, '/json', JSON.stringify(document), { headers: JSON_TYPE })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(res.json, { parsed: document })
        // And Fastify's own JSON errors there, not the plugin's.
        const bad = await post(port, '/json', '{"unterminated', { headers: JSON_TYPE })
        assert.equal(bad.status, 400)
        // Fastify's error shape ({ statusCode, error, message }), not the plugin's { error: 'INVALID_JSON' }.
        assert.equal(bad.json.statusCode, 400)
        assert.notEqual(bad.json.error, 'INVALID_JSON')
        if (version === 'Fastify 5') assert.equal(bad.json.code, 'FST_ERR_CTP_INVALID_JSON_BODY')
        // A content type only the plugin's catch-all parser accepts is still refused elsewhere.
        const text = await post(port, '/json', 'hi', { headers: { 'content-type': 'application/octet-stream' } })
        assert.equal(text.status, 415)
        await assertStillServing(port, seen)
      })
    })

    test('path and the register prefix place the route; two registrations keep their own secrets', async () => {
      const app = Fastify()
      const seen = []
      const record = (which) => async (request) => {
        seen.push({ which, event: request.customerioEvent })
        return { which }
      }
      // Each Customer.io reporting webhook has its own signing key.
      app.register(customerioFastify, { prefix: '/hooks', path: '/first', secret: SECRET, handler: record('first') })
      app.register(customerioFastify, {
        prefix: '/hooks',
        path: '/second',
        secret: OTHER_SECRET,
        handler: record('second'),
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      try {
        const port = app.server.address().port
        assert.equal((await post(port, '/hooks/first', BODY, { headers: signed(BODY) })).json.which, 'first')
        assert.equal(
          (await post(port, '/hooks/second', BODY, { headers: signed(BODY, { secret: OTHER_SECRET }) })).json.which,
          'second',
        )
        expectRefusal(await post(port, '/hooks/second', BODY, { headers: signed(BODY) }), 401, 'SIGNATURE_MISMATCH')
        assert.equal((await post(port, HOOK, BODY, { headers: signed(BODY) })).status, 404)
        assert.deepEqual(
          seen.map((s) => s.which),
          ['first', 'second'],
        )
      } finally {
        await app.close()
      }
    })

    test("errors from the handler, a secret provider or onInvalid reach the app's error handler, never an accept", async () => {
      const errors = []
      let providerFails = false
      const options = {
        secret: () => {
          if (providerFails) throw Object.assign(new Error('vault down'), { code: 'VAULT_DOWN' })
          return SECRET
        },
        onInvalid: () => {
          throw Object.assign(new Error('metrics down'), { code: 'METRICS_DOWN' })
        },
        handler: async (request) => {
          if (request.customerioEvent.metric === 'sent') throw Object.assign(new Error('db down'), { code: 'DB_DOWN' })
          return { ok: true }
        },
      }
      const setup = (app) =>
        app.setErrorHandler((error, request, reply) => {
          errors.push(error.code)
          return reply.code(500).send({ error: 'UNHANDLED' })
        })
      await withApp(
        options,
        async (port) => {
          assert.equal((await post(port, HOOK, BODY, { headers: signed(BODY) })).status, 500)
          assert.equal((await post(port, HOOK, BODY, { headers: signed(BODY, { secret: OTHER_SECRET }) })).status, 500)
          providerFails = true
          assert.equal((await post(port, HOOK, BODY, { headers: signed(BODY) })).status, 500)
          assert.deepEqual(errors, ['DB_DOWN', 'METRICS_DOWN', 'VAULT_DOWN'])
          providerFails = false
          const opened = BODY.replace('"sent"', '"opened"')
          const res = await post(port, HOOK, opened, { headers: signed(opened) })
          assert.equal(res.status, 200, res.text)
        },
        { setup },
      )
    })

    test('misuse fails when the app starts, not on the first delivery', async () => {
      const cases = [
        [{ handler: async () => ({}) }, 'ERR_MISSING_SECRET'],
        [{ secret: SECRET }, 'ERR_INVALID_ARGUMENT'],
        [{ secret: SECRET, handler: async () => ({}), path: 'no-slash' }, 'ERR_INVALID_ARGUMENT'],
        [{ secret: SECRET, handler: async () => ({}), limit: 'lots' }, 'ERR_INVALID_LIMIT'],
      ]
      for (const [options, code] of cases) {
        const app = Fastify()
        app.register(customerioFastify, options)
        await assert.rejects(
          app.ready(),
          { name: 'CustomerioSecurityTypeError', code },
          JSON.stringify(Object.keys(options)),
        )
        await app.close()
      }
    })
  })
}
