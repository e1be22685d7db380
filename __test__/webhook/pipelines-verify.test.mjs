// Data Pipelines webhook destination: X-Signature is the hex HMAC-SHA1 of the raw body. Checked
// against node:crypto (an implementation we did not write) on random bodies and secrets, and
// against junk headers, which must be refused with a reason and never throw.

import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { createRequire } from 'node:module'
import test from 'node:test'

import fc from 'fast-check'

const require = createRequire(import.meta.url)
const { verifyWebhook, signWebhook, WebhookVerifier } = require('../../index.js')

const SEED = 20261203

function reference(secret, body) {
  return createHmac('sha1', secret).update(body).digest('hex')
}

test('signWebhook(pipelines) is node:crypto HMAC-SHA1 of the body, and verifies', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 4096 }), fc.stringMatching(/^[!-~]{1,80}$/), (bytes, secret) => {
      const body = Buffer.from(bytes)
      const headers = signWebhook(body, secret, { scheme: 'pipelines' })
      assert.deepEqual(Object.keys(headers), ['x-signature'])
      assert.equal(headers['x-signature'], reference(secret, body))
      const result = verifyWebhook({ scheme: 'pipelines', secret, body, signature: headers['x-signature'] })
      assert.deepEqual(result, { valid: true, secretIndex: 0, timestamp: null })
      // Upper case hex is the same MAC.
      const upper = verifyWebhook({
        scheme: 'pipelines',
        secret,
        body,
        signature: headers['x-signature'].toUpperCase(),
      })
      assert.equal(upper.valid, true)
    }),
    { seed: SEED, numRuns: 500 },
  )
})

test('a body changed by one bit, or another secret, is SIGNATURE_MISMATCH', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 2048 }), fc.nat(), (bytes, at) => {
      const body = Buffer.from(bytes)
      const signature = reference('pipelines-secret', body)
      const tampered = Buffer.from(body)
      tampered[at % tampered.length] ^= 1 << (at % 8)
      assert.deepEqual(verifyWebhook({ scheme: 'pipelines', secret: 'pipelines-secret', body: tampered, signature }), {
        valid: false,
        reason: 'SIGNATURE_MISMATCH',
      })
      assert.equal(
        verifyWebhook({ scheme: 'pipelines', secret: 'other', body, signature }).reason,
        'SIGNATURE_MISMATCH',
      )
    }),
    { seed: SEED + 1, numRuns: 300 },
  )
})

test('junk X-Signature values are refused with a reason, never thrown', () => {
  const body = '{"batch":[]}'
  const good = reference('s', body)
  const cases = {
    MISSING_SIGNATURE: [undefined, null, '', []],
    MALFORMED_SIGNATURE: [
      `sha1=${good}`,
      ` ${good}`,
      `${good} `,
      good.slice(0, 39),
      `${good}0`,
      createHmac('sha256', 's').update(body).digest('hex'),
      `${good.slice(0, 39)}z`,
      '\u0000'.repeat(40),
      'é'.repeat(40),
      // Sent twice with different values: ambiguous, so neither is picked.
      [good, reference('t', body)],
    ],
  }
  for (const [reason, values] of Object.entries(cases)) {
    for (const signature of values) {
      assert.deepEqual(
        verifyWebhook({ scheme: 'pipelines', secret: 's', body, signature }),
        { valid: false, reason },
        String(signature),
      )
    }
  }
  // Sent twice with the same value, it is that value (as for X-CIO-Signature).
  assert.equal(verifyWebhook({ scheme: 'pipelines', secret: 's', body, signature: [good, good] }).valid, true)
  fc.assert(
    fc.property(fc.string({ maxLength: 100 }), (signature) => {
      const result = verifyWebhook({ scheme: 'pipelines', secret: 's', body, signature })
      assert.equal(result.valid, signature.toLowerCase() === good)
    }),
    { seed: SEED + 2, numRuns: 1000 },
  )
})

test('no timestamp is needed, and one sent is neither read nor checked', () => {
  const body = '{"batch":[{"type":"track","messageId":"m-1"}]}'
  const signature = reference('s', body)
  for (const timestamp of [undefined, '', 'junk', '1', String(2 ** 40)]) {
    assert.deepEqual(verifyWebhook({ scheme: 'pipelines', secret: 's', body, signature, timestamp, now: 0 }), {
      valid: true,
      secretIndex: 0,
      timestamp: null,
    })
  }
})

test('several secrets while rotating: the matching one is named', () => {
  const body = Buffer.from('{"batch":[]}')
  const verifier = new WebhookVerifier({ scheme: 'pipelines', secret: ['old-secret', 'new-secret'] })
  assert.deepEqual(verifier.verify({ body, signature: reference('new-secret', body) }), {
    valid: true,
    secretIndex: 1,
    timestamp: null,
  })
  assert.deepEqual(verifier.verify({ body, signature: reference('old-secret', body) }), {
    valid: true,
    secretIndex: 0,
    timestamp: null,
  })
  assert.equal(verifier.verify({ body, signature: reference('retired', body) }).reason, 'SIGNATURE_MISMATCH')
  assert.deepEqual(
    verifyWebhook({ scheme: 'pipelines', secret: ['a', 'b'], body, signature: reference('b', body) }).secretIndex,
    1,
  )
})

test('an unknown scheme names the known ones', () => {
  assert.throws(() => verifyWebhook({ scheme: 'sha1', secret: 's', body: '', signature: '' }), {
    code: 'ERR_INVALID_SCHEME',
    message: /'v0', 'body', 'pipelines'/,
  })
})
