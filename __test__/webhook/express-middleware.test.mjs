// customerioWebhook() in real Express 4 and Express 5 apps, over real HTTP on 127.0.0.1.
// Each test starts its own server, sends bad deliveries, then a good one (the server must keep
// serving), and closes the server. Signatures come from signWebhook and, as an oracle we did not
// write, from node:crypto.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { IncomingMessage } from 'node:http'

import { CustomerioSecurityTypeError, customerioWebhook, signWebhook } from '../../index.js'
import { EXPRESS_VERSIONS, buildApp, listen, loadExpress } from '../helpers/express-app.mjs'
import { cryptoSignature, nowSeconds, post } from '../helpers/express-client.mjs'
// The spec's email_sent event, serialized with unusual whitespace: re-serializing the parsed
// object would not give these bytes back, so a pass proves the raw body was checked.
import { BODY, EVENT, JSON_TYPE, OTHER_SECRET, SECRET, expectRefusal, signed } from '../helpers/webhook-http-cases.mjs'

/** Builds, starts and always closes one app; `run` gets the port and what the handler saw. */
async function withApp(express, setup, run) {
  const { app, seen } = buildApp(express, setup)
  const server = await listen(app)
  try {
    await run(server.port, seen)
  } finally {
    await server.close()
  }
}

/** The closing check of every test: a valid delivery is still accepted after the bad ones. */
async function assertStillServing(port, seen, headers = JSON_TYPE) {
  const before = seen.length
  const res = await post(port, '/hook', BODY, { headers: signed(BODY, { type: headers }) })
  assert.equal(res.status, 200, res.text)
  assert.equal(seen.length, before + 1)
  assert.deepEqual(seen.at(-1).event, EVENT)
}

for (const version of EXPRESS_VERSIONS) {
  const express = loadExpress(version)

  describe(`customerioWebhook with ${version}`, () => {
    test(`${version}: a valid delivery reaches the handler with the event and the raw bytes`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(res.json, { ok: true })
        assert.equal(seen.length, 1)
        assert.deepEqual(seen[0].event, EVENT)
        assert.ok(Buffer.isBuffer(seen[0].rawBody))
        assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
        assert.equal(seen[0].webhook.secretIndex, 0)
        assert.equal(typeof seen[0].webhook.timestamp, 'number')
      })
    })

    test(`${version}: a delivery signed with node:crypto directly is accepted`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const timestamp = nowSeconds()
        const headers = {
          ...JSON_TYPE,
          'X-CIO-Timestamp': String(timestamp),
          'X-CIO-Signature': cryptoSignature(BODY, SECRET, timestamp),
        }
        const res = await post(port, '/hook', BODY, { headers })
        assert.equal(res.status, 200, res.text)
        assert.deepEqual(seen[0].event, EVENT)
        assert.equal(seen[0].webhook.timestamp, timestamp)
        // And the package's signer agrees with the oracle byte for byte.
        assert.equal(signWebhook(BODY, SECRET, { timestamp })['x-cio-signature'], headers['X-CIO-Signature'])
      })
    })

    test(`${version}: a tampered body is refused with 401 SIGNATURE_MISMATCH and reported to onInvalid`, async () => {
      const reports = []
      const webhook = customerioWebhook({ secret: SECRET, onInvalid: (reason, req) => reports.push({ reason, req }) })
      await withApp(express, { webhook }, async (port, seen) => {
        const headers = signed(BODY)
        const tampered = BODY.replace('"sent"', '"opened"')
        assert.notEqual(tampered, BODY)
        const res = await post(port, '/hook', tampered, { headers })
        expectRefusal(res, 401, 'SIGNATURE_MISMATCH')
        assert.deepEqual(res.json, { error: 'SIGNATURE_MISMATCH' })
        assert.equal(seen.length, 0)
        assert.equal(reports.length, 1)
        assert.equal(reports[0].reason, 'SIGNATURE_MISMATCH')
        assert.ok(reports[0].req instanceof IncomingMessage)
        assert.equal(reports[0].req.method, 'POST')
        assert.equal(reports[0].req.headers['x-cio-signature'], headers['x-cio-signature'])
        await assertStillServing(port, seen)
        assert.equal(reports.length, 1, 'a valid delivery is not reported')
      })
    })

    test(`${version}: a delivery signed with another secret is refused`, async () => {
      const reasons = []
      const webhook = customerioWebhook({ secret: SECRET, onInvalid: (reason) => reasons.push(reason) })
      await withApp(express, { webhook }, async (port, seen) => {
        const res = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: OTHER_SECRET }) })
        expectRefusal(res, 401, 'SIGNATURE_MISMATCH')
        assert.deepEqual(reasons, ['SIGNATURE_MISMATCH'])
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: timestamps outside the 300 s window are refused as too old or too new`, async () => {
      const reasons = []
      const webhook = customerioWebhook({ secret: SECRET, onInvalid: (reason) => reasons.push(reason) })
      await withApp(express, { webhook }, async (port, seen) => {
        // An hour either way: far outside the window whatever the test machine's speed.
        const old = await post(port, '/hook', BODY, { headers: signed(BODY, { timestamp: nowSeconds() - 3600 }) })
        expectRefusal(old, 401, 'TIMESTAMP_TOO_OLD')
        const future = await post(port, '/hook', BODY, { headers: signed(BODY, { timestamp: nowSeconds() + 3600 }) })
        expectRefusal(future, 401, 'TIMESTAMP_TOO_NEW')
        assert.deepEqual(reasons, ['TIMESTAMP_TOO_OLD', 'TIMESTAMP_TOO_NEW'])
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: missing signature or timestamp headers are refused`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const headers = signed(BODY)
        const noSignature = await post(port, '/hook', BODY, {
          headers: { ...headers, 'x-cio-signature': undefined },
        })
        expectRefusal(noSignature, 401, 'MISSING_SIGNATURE')
        const noTimestamp = await post(port, '/hook', BODY, {
          headers: { ...headers, 'x-cio-timestamp': undefined },
        })
        expectRefusal(noTimestamp, 401, 'MISSING_TIMESTAMP')
        const neither = await post(port, '/hook', BODY, { headers: JSON_TYPE })
        expectRefusal(neither, 401, 'MISSING_SIGNATURE')
        assert.equal(seen.length, 0)
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: two different X-CIO-Signature headers are refused as malformed`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const headers = signed(BODY)
        const good = headers['x-cio-signature']
        const forged = signWebhook(BODY, OTHER_SECRET, { timestamp: Number(headers['x-cio-timestamp']) })[
          'x-cio-signature'
        ]
        // Either order: whichever copy a naive reader picked, an attacker could add the other.
        for (const pair of [
          [good, forged],
          [forged, good],
        ]) {
          const res = await post(port, '/hook', BODY, { headers: { ...headers, 'x-cio-signature': pair } })
          expectRefusal(res, 401, 'MALFORMED_SIGNATURE')
        }
        assert.equal(seen.length, 0)
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: two equal X-CIO-Signature headers count as that one value`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const headers = signed(BODY)
        const twice = [headers['x-cio-signature'], headers['x-cio-signature']]
        const res = await post(port, '/hook', BODY, { headers: { ...headers, 'x-cio-signature': twice } })
        // Node joins repeated custom headers into "a, a" in req.headers; the middleware reads
        // req.headersDistinct, so the repeated copy of the same signature is that signature.
        assert.equal(res.status, 200, res.text)
        assert.equal(seen.length, 1)
      })
    })

    for (const chunked of [false, true]) {
      const how = chunked ? 'chunked, without Content-Length' : 'with Content-Length'
      test(`${version}: a body over the limit is refused with 413 PAYLOAD_TOO_LARGE (${how})`, async () => {
        await withApp(express, { webhook: customerioWebhook({ secret: SECRET, limit: '1kb' }) }, async (port, seen) => {
          // 256 KiB: more than the socket buffers hold, so the server answers before the client
          // has finished sending, which is the path a real oversized delivery takes.
          const big = JSON.stringify({ ...EVENT, padding: 'x'.repeat(256 * 1024) })
          const res = await post(port, '/hook', big, { headers: signed(big), chunked })
          expectRefusal(res, 413, 'PAYLOAD_TOO_LARGE')
          assert.equal(seen.length, 0)
          // BODY is below 1 KiB: the limit refuses only what is over it.
          assert.ok(Buffer.byteLength(BODY) < 1024)
          await assertStillServing(port, seen)
        })
      })
    }

    test(`${version}: the default 5 MB limit accepts a signed body of about 1 MB`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        // "Body Content" deliveries carry whole message bodies: this one is ~1 MiB of HTML.
        const large = JSON.stringify({ ...EVENT, data: { ...EVENT.data, content: '<p>hi</p>'.repeat(116_508) } })
        assert.ok(Buffer.byteLength(large) > 1024 * 1024)
        const res = await post(port, '/hook', large, { headers: signed(large) })
        assert.equal(res.status, 200, res.text)
        assert.ok(seen[0].rawBody.equals(Buffer.from(large)))
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: with no body parser the middleware reads the stream itself`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
        assert.equal(res.status, 200, res.text)
        assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: after express.raw({ type: '*/*' }) the Buffer it left is verified`, async () => {
      const setup = { before: [express.raw({ type: '*/*' })], webhook: customerioWebhook({ secret: SECRET }) }
      await withApp(express, setup, async (port, seen) => {
        const tampered = await post(port, '/hook', BODY + ' ', { headers: signed(BODY) })
        expectRefusal(tampered, 401, 'SIGNATURE_MISMATCH')
        const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
        assert.equal(res.status, 200, res.text)
        assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
        assert.deepEqual(seen[0].event, EVENT)
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: after express.json({ verify }) keeps req.rawBody, those bytes are verified`, async () => {
      const keepRaw = express.json({
        verify: (req, res, buf) => {
          req.rawBody = buf
        },
      })
      const setup = { before: [keepRaw], webhook: customerioWebhook({ secret: SECRET }) }
      await withApp(express, setup, async (port, seen) => {
        const tampered = await post(port, '/hook', BODY.replace('42', '43'), { headers: signed(BODY) })
        expectRefusal(tampered, 401, 'SIGNATURE_MISMATCH')
        const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
        assert.equal(res.status, 200, res.text)
        assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
        assert.deepEqual(seen[0].event, EVENT)
        // express.json's own parse is still there for the app.
        assert.deepEqual(seen[0].parsedBody, EVENT)
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: after plain express.json() the middleware answers 500 BODY_NOT_RAW`, async () => {
      const setup = { before: [express.json()], webhook: customerioWebhook({ secret: SECRET }) }
      await withApp(express, setup, async (port, seen) => {
        // Validly signed, but only the parsed object is left: refusing beats re-serializing.
        const res = await post(port, '/hook', BODY, { headers: signed(BODY) })
        expectRefusal(res, 500, 'BODY_NOT_RAW')
        assert.match(res.json.message, /express\.raw/)
        assert.equal(seen.length, 0)
        // A content type express.json() skips leaves the stream unread, so it still verifies.
        await assertStillServing(port, seen, { 'content-type': 'application/octet-stream' })
      })
    })

    test(`${version}: app-wide express.json() that skips the content type leaves a body that still verifies`, async () => {
      const setup = { appWide: [express.json()], webhook: customerioWebhook({ secret: SECRET }) }
      await withApp(express, setup, async (port, seen) => {
        const textType = { 'content-type': 'text/plain' }
        const res = await post(port, '/hook', BODY, { headers: signed(BODY, { type: textType }) })
        assert.equal(res.status, 200, res.text)
        assert.ok(seen[0].rawBody.equals(Buffer.from(BODY)))
        assert.deepEqual(seen[0].event, EVENT)
        // Express 4 leaves `{}` there without reading the stream; Express 5 leaves nothing.
        if (version === 'express4') assert.deepEqual(seen[0].parsedBody, {})
        else assert.equal(seen[0].parsedBody, undefined)
        await assertStillServing(port, seen, textType)
      })
    })

    test(`${version}: a verified body that is not JSON is refused with 400 INVALID_JSON`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        const notJson = 'event_id=01E4C4CT6YDC7Y5M7FE1GWWPQJ&metric=sent'
        const res = await post(port, '/hook', notJson, { headers: signed(notJson) })
        expectRefusal(res, 400, 'INVALID_JSON')
        assert.equal(seen.length, 0)
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: a non-UTF-8 body is verified over its exact bytes`, async () => {
      await withApp(express, { webhook: customerioWebhook({ secret: SECRET }) }, async (port, seen) => {
        // Latin-1 "Zoë": the 0xEB byte is not valid UTF-8, so any decode/re-encode before the HMAC
        // would change the bytes and fail the signature.
        const latin1 = Buffer.from('{"name":"Zoë"}', 'latin1')
        const timestamp = nowSeconds()
        const headers = {
          ...JSON_TYPE,
          'x-cio-timestamp': String(timestamp),
          'x-cio-signature': cryptoSignature(latin1, SECRET, timestamp),
        }
        const res = await post(port, '/hook', latin1, { headers })
        assert.equal(res.status, 200, res.text)
        assert.ok(seen[0].rawBody.equals(latin1))
        // The event is parsed as UTF-8, so the invalid byte becomes U+FFFD.
        assert.deepEqual(seen[0].event, { name: 'Zo\uFFFD' })
        // Bytes that are no JSON under any decoding still give 400, not 401.
        const junk = Buffer.from([0xff, 0xfe, 0x00, 0x7b])
        const refused = await post(port, '/hook', junk, { headers: signed(junk) })
        expectRefusal(refused, 400, 'INVALID_JSON')
        await assertStillServing(port, seen)
      })
    })

    test(`${version}: while a key rotates, both keys are accepted and secretIndex says which`, async () => {
      const newKey = randomBytes(32).toString('hex')
      const oldKey = randomBytes(32).toString('hex')
      const webhook = customerioWebhook({ secret: [newKey, oldKey] })
      await withApp(express, { webhook }, async (port, seen) => {
        const withNew = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: newKey }) })
        assert.equal(withNew.status, 200, withNew.text)
        assert.equal(seen[0].webhook.secretIndex, 0)
        const withOld = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: oldKey }) })
        assert.equal(withOld.status, 200, withOld.text)
        assert.equal(seen[1].webhook.secretIndex, 1)
        const withNeither = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: OTHER_SECRET }) })
        expectRefusal(withNeither, 401, 'SIGNATURE_MISMATCH')
        assert.equal(seen.length, 2)
      })
    })

    test(`${version}: a secret function is read per request, so a rotated value applies at once`, async () => {
      const first = randomBytes(32).toString('hex')
      const second = randomBytes(32).toString('hex')
      let current = first
      const webhook = customerioWebhook({ secret: () => current })
      await withApp(express, { webhook }, async (port, seen) => {
        const before = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: first }) })
        assert.equal(before.status, 200, before.text)
        current = second
        const stale = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: first }) })
        expectRefusal(stale, 401, 'SIGNATURE_MISMATCH')
        const fresh = await post(port, '/hook', BODY, { headers: signed(BODY, { secret: second }) })
        assert.equal(fresh.status, 200, fresh.text)
        assert.equal(seen.length, 2)
      })
    })

    test(`${version}: misuse fails when the route is mounted, not on the first delivery`, () => {
      const app = express()
      assert.throws(() => app.post('/hook', customerioWebhook({})), {
        name: 'CustomerioSecurityTypeError',
        code: 'ERR_MISSING_SECRET',
      })
      assert.throws(() => customerioWebhook({}), CustomerioSecurityTypeError)
      for (const limit of ['lots', '5 megabytes', -1, 1.5, '', null]) {
        assert.throws(
          () => app.post('/hook', customerioWebhook({ secret: SECRET, limit })),
          {
            code: 'ERR_INVALID_LIMIT',
          },
          `limit ${JSON.stringify(limit)}`,
        )
      }
    })
  })
}
