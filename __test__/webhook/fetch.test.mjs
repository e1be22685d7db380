// verifyWebhookRequest and customerioFetchHandler on Web Request objects, served by a real
// node:http server that converts requests the way Hono's Node adapter does (and, for the body,
// also the plain Readable.toWeb way), over real HTTP on 127.0.0.1.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'

import { customerioFetchHandler, verifyWebhookRequest } from '../../index.js'
import { nowSeconds, post } from '../helpers/express-client.mjs'
import { BODY_MODES, listenFetch } from '../helpers/web-request-server.mjs'
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

// At module scope, as docs/webhooks.md tells users: one receiver for every request.
const OPTIONS = { secret: SECRET }
const SMALL = { secret: SECRET, limit: '1kb' }

/** Serves `handle` and always closes; `run` gets the port. */
async function withServer(handle, run, mode) {
  const server = await listenFetch(handle, { mode })
  try {
    await run(server.port)
  } finally {
    await server.close()
  }
}

/** A route handler written with verifyWebhookRequest, as a Next.js route would be. */
function routeWith(options, seen) {
  return async (request) => {
    const result = await verifyWebhookRequest(request, options)
    if (!result.ok) return result.response
    seen.push(result)
    return Response.json({ ok: true })
  }
}

async function assertStillServing(port, seen) {
  const before = seen.length
  const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
  assert.equal(res.status, 200, res.text)
  assert.equal(seen.length, before + 1)
}

for (const mode of BODY_MODES) {
  describe(`over a ${mode} request body`, () => {
    test(`${mode}: a valid delivery gives { ok: true, event, rawBody, webhook, complete }`, async () => {
      const seen = []
      await withServer(
        routeWith(OPTIONS, seen),
        async (port) => {
          const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
          assert.equal(res.status, 200, res.text)
          assert.equal(seen.length, 1)
          assert.deepEqual(Object.keys(seen[0]).sort(), ['complete', 'event', 'ok', 'rawBody', 'webhook'])
          // Without dedupe there is nothing to report, and reporting does no harm.
          assert.equal(typeof seen[0].complete, 'function')
          assert.equal(await seen[0].complete(200), undefined)
          assert.deepEqual(seen[0].event, EVENT)
          assert.ok(Buffer.isBuffer(seen[0].rawBody) && seen[0].rawBody.equals(Buffer.from(BODY)))
          assert.equal(seen[0].webhook.secretIndex, 0)
        },
        mode,
      )
    })

    test(`${mode}: a delivery signed with node:crypto directly is accepted, sent in chunks too`, async () => {
      const seen = []
      await withServer(
        routeWith(OPTIONS, seen),
        async (port) => {
          const timestamp = nowSeconds()
          for (const chunked of [false, true]) {
            const res = await post(port, '/hook', BODY, { headers: cryptoSigned(BODY, { timestamp }), chunked })
            assert.equal(res.status, 200, res.text)
          }
          assert.equal(seen.length, 2)
          assert.equal(seen[1].webhook.timestamp, timestamp)
          assert.ok(seen[1].rawBody.equals(Buffer.from(BODY)))
        },
        mode,
      )
    })

    test(`${mode}: refusals come back as a ready JSON Response with the status`, async () => {
      const seen = []
      const reasons = []
      const options = {
        secret: SECRET,
        onInvalid: (reason, request) => reasons.push([reason, request instanceof Request]),
      }
      await withServer(
        routeWith(options, seen),
        async (port) => {
          expectRefusal(
            await post(port, '/hook', BODY.replace('42', '43'), { headers: signed(BODY) }),
            401,
            'SIGNATURE_MISMATCH',
          )
          expectRefusal(
            await post(port, '/hook', BODY, { headers: signed(BODY, { secret: OTHER_SECRET }) }),
            401,
            'SIGNATURE_MISMATCH',
          )
          expectRefusal(
            await post(port, '/hook', BODY, { headers: signed(BODY, { timestamp: nowSeconds() - 3600 }) }),
            401,
            'TIMESTAMP_TOO_OLD',
          )
          expectRefusal(
            await post(port, '/hook', BODY, { headers: signed(BODY, { timestamp: nowSeconds() + 3600 }) }),
            401,
            'TIMESTAMP_TOO_NEW',
          )
          expectRefusal(await post(port, '/hook', BODY, { headers: JSON_TYPE }), 401, 'MISSING_SIGNATURE')
          const notJson = 'metric=sent'
          expectRefusal(await post(port, '/hook', notJson, { headers: signed(notJson) }), 400, 'INVALID_JSON')
          assert.equal(seen.length, 0)
          assert.deepEqual(
            reasons.map(([reason]) => reason),
            ['SIGNATURE_MISMATCH', 'SIGNATURE_MISMATCH', 'TIMESTAMP_TOO_OLD', 'TIMESTAMP_TOO_NEW', 'MISSING_SIGNATURE'],
          )
          assert.ok(reasons.every(([, isRequest]) => isRequest))
          await assertStillServing(port, seen)
        },
        mode,
      )
    })

    test(`${mode}: repeated X-CIO-Signature headers, joined by Headers, are told apart again`, async () => {
      const seen = []
      await withServer(
        routeWith(OPTIONS, seen),
        async (port) => {
          const { same, different } = repeatedSignatures(BODY)
          for (const headers of different) {
            expectRefusal(await post(port, '/hook', BODY, { headers }), 401, 'MALFORMED_SIGNATURE')
          }
          assert.equal(seen.length, 0)
          assert.equal((await post(port, '/hook', BODY, { headers: same })).status, 200)
        },
        mode,
      )
    })

    for (const chunked of [false, true]) {
      const how = chunked ? 'chunked, read up to the limit' : 'refused from Content-Length before reading'
      test(`${mode}: a body over the limit is refused with 413 (${how})`, async () => {
        const seen = []
        await withServer(
          routeWith(SMALL, seen),
          async (port) => {
            const res = await post(port, '/hook', OVERSIZED, { headers: signed(OVERSIZED), chunked })
            expectRefusal(res, 413, 'PAYLOAD_TOO_LARGE')
            assert.match(res.json.message, /limit of 1024 bytes/)
            assert.equal(seen.length, 0)
            await assertStillServing(port, seen)
          },
          mode,
        )
      })
    }
  })
}

describe('customerioFetchHandler', () => {
  test('answers 200 after onEvent, or the Response onEvent returns', async () => {
    const seen = []
    const handler = customerioFetchHandler(OPTIONS, async (event, context) => {
      seen.push({ event, ...context })
      if (event.metric === 'opened') return new Response('queued', { status: 202 })
      return undefined
    })
    await withServer(handler, async (port) => {
      const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
      assert.equal(res.status, 200, res.text)
      assert.deepEqual(res.json, { ok: true })
      assert.deepEqual(seen[0].event, EVENT)
      assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
      assert.ok(seen[0].request instanceof Request)
      assert.equal(seen[0].webhook.secretIndex, 0)
      const opened = BODY.replace('"sent"', '"opened"')
      const custom = await post(port, '/hook', opened, { headers: signed(opened) })
      assert.equal(custom.status, 202)
      assert.equal(custom.text, 'queued')
      expectRefusal(await post(port, '/hook', BODY, { headers: JSON_TYPE }), 401, 'MISSING_SIGNATURE')
      assert.equal(seen.length, 2)
    })
  })

  test("errors from onEvent propagate to the framework's error handling", async () => {
    const handler = customerioFetchHandler(OPTIONS, () => {
      throw Object.assign(new Error('db down'), { code: 'DB_DOWN' })
    })
    await withServer(handler, async (port) => {
      const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
      assert.equal(res.status, 500)
      assert.deepEqual(res.json, { error: 'UNHANDLED', code: 'DB_DOWN' })
    })
  })

  test('misuse throws when the handler is built', () => {
    assert.throws(() => customerioFetchHandler(OPTIONS), { code: 'ERR_INVALID_ARGUMENT' })
    assert.throws(() => customerioFetchHandler({}, () => {}), { code: 'ERR_MISSING_SECRET' })
    assert.throws(() => customerioFetchHandler({ secret: SECRET, limit: 'lots' }, () => {}), {
      code: 'ERR_INVALID_LIMIT',
    })
  })
})

describe('verifyWebhookRequest without a server', () => {
  test('a body the app already read is refused with 500 BODY_NOT_RAW', async () => {
    const request = new Request('http://127.0.0.1/hook', { method: 'POST', body: BODY, headers: signed(BODY) })
    await request.text()
    const result = await verifyWebhookRequest(request, OPTIONS)
    assert.equal(result.ok, false)
    assert.equal(result.response.status, 500)
    const payload = await result.response.json()
    assert.equal(payload.error, 'BODY_NOT_RAW')
    assert.match(payload.message, /before calling request\.json\(\)/)
  })

  test('a POST without a body verifies as the empty body', async () => {
    const headers = signed('')
    const result = await verifyWebhookRequest(
      new Request('http://127.0.0.1/hook', { method: 'POST', headers }),
      OPTIONS,
    )
    assert.equal(result.ok, false)
    // Signed, so the signature passed; an empty body is no JSON.
    assert.equal(result.response.status, 400)
    assert.deepEqual(await result.response.json(), { error: 'INVALID_JSON' })
  })

  test('the receiver is built once per options object, not per request', async () => {
    let reads = 0
    const options = { secret: SECRET }
    // createReceiver reads `limit` once when it builds the receiver.
    Object.defineProperty(options, 'limit', {
      enumerable: true,
      get() {
        reads += 1
        return '1mb'
      },
    })
    for (let i = 0; i < 3; i++) {
      const request = new Request('http://127.0.0.1/hook', { method: 'POST', body: BODY, headers: signed(BODY) })
      assert.equal((await verifyWebhookRequest(request, options)).ok, true)
    }
    assert.equal(reads, 1)
  })

  test('misuse rejects with a coded error', async () => {
    const request = () => new Request('http://127.0.0.1/hook', { method: 'POST', body: BODY, headers: signed(BODY) })
    await assert.rejects(verifyWebhookRequest(request(), {}), {
      name: 'CustomerioSecurityTypeError',
      code: 'ERR_MISSING_SECRET',
    })
    await assert.rejects(verifyWebhookRequest(request(), null), { code: 'ERR_INVALID_ARGUMENT' })
    await assert.rejects(verifyWebhookRequest({ body: BODY }, OPTIONS), { code: 'ERR_INVALID_ARGUMENT' })
    await assert.rejects(verifyWebhookRequest(undefined, OPTIONS), { code: 'ERR_INVALID_ARGUMENT' })
  })
})
