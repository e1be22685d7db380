// customerioNodeHandler as the request listener of a real node:http server on 127.0.0.1: it reads
// the body, answers refusals itself, and calls onEvent only for verified deliveries.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import http, { IncomingMessage, ServerResponse } from 'node:http'
import { once } from 'node:events'

import { customerioNodeHandler } from '../../index.js'
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

/** Serves `listener` on port 0 and always closes; `run` gets the port. */
async function withServer(listener, run) {
  const server = http.createServer(listener)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    await run(server.address().port)
  } finally {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
}

/** A handler whose onEvent records what it got; `errors` collects what onError saw. */
function recording(options = {}, onEvent = () => {}) {
  const seen = []
  const errors = []
  const listener = customerioNodeHandler(
    { secret: SECRET, onError: (error) => errors.push(error), ...options },
    async (event, context) => {
      seen.push({ event, ...context })
      return onEvent(event, context)
    },
  )
  return { listener, seen, errors }
}

async function assertStillServing(port, seen) {
  const before = seen.length
  const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
  assert.equal(res.status, 200, res.text)
  assert.equal(seen.length, before + 1)
}

test('a valid delivery calls onEvent with the event, raw bytes, webhook, req and res, then answers 200', async () => {
  const { listener, seen } = recording()
  await withServer(listener, async (port) => {
    const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
    assert.equal(res.status, 200, res.text)
    assert.deepEqual(res.json, { ok: true })
    assert.equal(seen.length, 1)
    assert.deepEqual(seen[0].event, EVENT)
    assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
    assert.equal(seen[0].webhook.secretIndex, 0)
    assert.ok(seen[0].req instanceof IncomingMessage)
    assert.ok(seen[0].res instanceof ServerResponse)
  })
})

test('a delivery signed with node:crypto directly is accepted', async () => {
  const { listener, seen } = recording()
  await withServer(listener, async (port) => {
    const timestamp = nowSeconds()
    const res = await post(port, '/hook', BODY, { headers: cryptoSigned(BODY, { timestamp }) })
    assert.equal(res.status, 200, res.text)
    assert.equal(seen[0].webhook.timestamp, timestamp)
  })
})

test('the 200 waits for an async onEvent, and an onEvent that answers itself is left alone', async () => {
  let finished = false
  const { listener } = recording({}, async (event, { res }) => {
    await new Promise((resolve) => setImmediate(resolve))
    finished = true
    if (event.metric === 'opened') {
      res.writeHead(202, { 'content-type': 'text/plain' })
      res.end('queued')
    }
  })
  await withServer(listener, async (port) => {
    const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
    assert.equal(res.status, 200)
    assert.equal(finished, true, 'answered before onEvent finished')
    const opened = BODY.replace('"sent"', '"opened"')
    const custom = await post(port, '/hook', opened, { headers: signed(opened) })
    assert.equal(custom.status, 202)
    assert.equal(custom.text, 'queued')
  })
})

test('tampered, wrong-key, stale and unsigned deliveries are refused with 401 and never reach onEvent', async () => {
  const reasons = []
  const { listener, seen } = recording({
    onInvalid: (reason, req) => reasons.push([reason, req instanceof IncomingMessage]),
  })
  await withServer(listener, async (port) => {
    expectRefusal(await post(port, '/hook', BODY + ' ', { headers: signed(BODY) }), 401, 'SIGNATURE_MISMATCH')
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
    expectRefusal(await post(port, '/hook', BODY, { headers: JSON_TYPE }), 401, 'MISSING_SIGNATURE')
    assert.equal(seen.length, 0)
    assert.deepEqual(reasons, [
      ['SIGNATURE_MISMATCH', true],
      ['SIGNATURE_MISMATCH', true],
      ['TIMESTAMP_TOO_OLD', true],
      ['MISSING_SIGNATURE', true],
    ])
    await assertStillServing(port, seen)
  })
})

test('two different X-CIO-Signature headers are malformed; the same one twice is that one', async () => {
  const { listener, seen } = recording()
  await withServer(listener, async (port) => {
    const { same, different } = repeatedSignatures(BODY)
    for (const headers of different) {
      expectRefusal(await post(port, '/hook', BODY, { headers }), 401, 'MALFORMED_SIGNATURE')
    }
    assert.equal(seen.length, 0)
    assert.equal((await post(port, '/hook', BODY, { headers: same })).status, 200)
  })
})

for (const chunked of [false, true]) {
  const how = chunked ? 'chunked, without Content-Length' : 'with Content-Length'
  test(`a body over the limit is refused with 413 and the connection closed (${how})`, async () => {
    const { listener, seen } = recording({ limit: '1kb' })
    await withServer(listener, async (port) => {
      const res = await post(port, '/hook', OVERSIZED, { headers: signed(OVERSIZED), chunked })
      expectRefusal(res, 413, 'PAYLOAD_TOO_LARGE')
      assert.equal(res.headers.connection, 'close')
      assert.equal(seen.length, 0)
      await assertStillServing(port, seen)
    })
  })
}

test('a verified body that is not JSON is refused with 400 INVALID_JSON', async () => {
  const { listener, seen } = recording()
  await withServer(listener, async (port) => {
    const notJson = 'metric=sent'
    expectRefusal(await post(port, '/hook', notJson, { headers: signed(notJson) }), 400, 'INVALID_JSON')
    assert.equal(seen.length, 0)
    await assertStillServing(port, seen)
  })
})

test('an onEvent that throws or rejects gives 500 INTERNAL_ERROR without its message, and onError gets it', async () => {
  const secretish = 'db password is hunter2'
  const { listener, seen, errors } = recording({}, (event) => {
    if (event.metric === 'sent') throw new Error(secretish)
    if (event.metric === 'opened') return Promise.reject(new Error(secretish))
    return undefined
  })
  await withServer(listener, async (port) => {
    const thrown = await post(port, '/hook', BODY, { headers: signed(BODY) })
    const opened = BODY.replace('"sent"', '"opened"')
    const rejected = await post(port, '/hook', opened, { headers: signed(opened) })
    for (const res of [thrown, rejected]) {
      assert.equal(res.status, 500)
      assert.deepEqual(res.json, { error: 'INTERNAL_ERROR' })
      assert.ok(!res.text.includes('hunter2'))
    }
    assert.deepEqual(
      errors.map((e) => e.message),
      [secretish, secretish],
    )
    const clicked = BODY.replace('"sent"', '"clicked"')
    assert.equal((await post(port, '/hook', clicked, { headers: signed(clicked) })).status, 200)
    assert.equal(seen.length, 3)
  })
})

test('an onEvent that fails after starting its answer has the connection cut, not a 200 appended', async () => {
  const { listener, errors } = recording({}, (event, { res }) => {
    res.writeHead(200, { 'content-type': 'text/plain' })
    res.write('partial')
    throw new Error('mid-answer')
  })
  await withServer(listener, async (port) => {
    await assert.rejects(post(port, '/hook', BODY, { headers: signed(BODY) }))
    assert.equal(errors.length, 1)
  })
})

test('a secret provider that throws is a 500, never an accept', async () => {
  // The provider is also called once when the handler is built, so it starts failing later.
  let vaultDown = false
  const { listener, seen, errors } = recording({
    secret: () => {
      if (vaultDown) throw Object.assign(new Error('vault down'), { code: 'VAULT_DOWN' })
      return SECRET
    },
  })
  await withServer(listener, async (port) => {
    vaultDown = true
    const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
    assert.equal(res.status, 500)
    assert.deepEqual(res.json, { error: 'INTERNAL_ERROR' })
    assert.equal(seen.length, 0)
    assert.deepEqual(
      errors.map((e) => e.code),
      ['VAULT_DOWN'],
    )
    vaultDown = false
    await assertStillServing(port, seen)
  })
})

test('the listener returns a promise that settles after the answer and never rejects', async () => {
  const listener = customerioNodeHandler({ secret: SECRET, onError: () => {} }, () => {
    throw new Error('boom')
  })
  const settled = []
  await withServer(
    (req, res) => settled.push(listener(req, res)),
    async (port) => {
      assert.equal((await post(port, '/hook', BODY, { headers: signed(BODY) })).status, 500)
      assert.equal((await post(port, '/hook', BODY, { headers: JSON_TYPE })).status, 401)
    },
  )
  assert.deepEqual(await Promise.all(settled), [undefined, undefined])
})

test('misuse throws when the handler is built', () => {
  assert.throws(() => customerioNodeHandler({ secret: SECRET }), { code: 'ERR_INVALID_ARGUMENT' })
  assert.throws(() => customerioNodeHandler({}, () => {}), {
    name: 'CustomerioSecurityTypeError',
    code: 'ERR_MISSING_SECRET',
  })
  assert.throws(() => customerioNodeHandler({ secret: SECRET, onError: 'log' }, () => {}), {
    code: 'ERR_INVALID_ARGUMENT',
  })
  assert.throws(() => customerioNodeHandler({ secret: SECRET, limit: 'lots' }, () => {}), { code: 'ERR_INVALID_LIMIT' })
  assert.throws(() => customerioNodeHandler(null, () => {}), { code: 'ERR_INVALID_ARGUMENT' })
})
