// Our HMAC against oracles we did not write: the RFC 4231 vectors (through the public API,
// `scheme: 'body'` being plain HMAC-SHA256 over the body) and node:crypto on random inputs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'

import { signWebhook, verifyWebhook, WebhookVerifier } from '../../index.js'
import { nodeV0Signature } from '../helpers/webhook-oracle.mjs'

const hex = (text) => Buffer.from(text, 'hex')

// RFC 4231 section 4, HMAC-SHA-256 results, copied as hex from the RFC.
const RFC4231 = [
  {
    name: 'case 1: 20-byte key of 0x0b, "Hi There"',
    key: hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
    data: hex('4869205468657265'),
    mac: 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
  },
  {
    name: 'case 2: key shorter than the MAC ("Jefe")',
    key: hex('4a656665'),
    data: hex('7768617420646f2079612077616e7420666f72206e6f7468696e673f'),
    mac: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
  },
  {
    name: 'case 3: 50 bytes of 0xdd under 20 bytes of 0xaa',
    key: hex('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'),
    data: hex('dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd'),
    mac: '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
  },
  {
    name: 'case 4: 25-byte counting key, 50 bytes of 0xcd',
    key: hex('0102030405060708090a0b0c0d0e0f10111213141516171819'),
    data: hex('cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd'),
    mac: '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
  },
  {
    // The RFC gives only the first 128 bits of this MAC, so only that prefix is compared.
    name: 'case 5: output truncated to 128 bits',
    key: hex('0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c'),
    data: hex('546573742057697468205472756e636174696f6e'),
    mac: 'a3b6167473100ee06e0c796c2955552b',
    truncated: true,
  },
  {
    name: 'case 6: 131-byte key (larger than the block, hashed first)',
    key: Buffer.alloc(131, 0xaa),
    data: hex(
      '54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374',
    ),
    mac: '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
  },
  {
    name: 'case 7: 131-byte key and data larger than the block',
    key: Buffer.alloc(131, 0xaa),
    data: hex(
      '5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b6579' +
        '20616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e656564' +
        '7320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f' +
        '726974686d2e',
    ),
    mac: '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
  },
]

for (const vector of RFC4231) {
  test(`RFC 4231 ${vector.name}`, () => {
    const signature = signWebhook(vector.data, vector.key, { scheme: 'body' })['x-cio-signature']
    if (vector.truncated) {
      assert.equal(signature.length, 64)
      assert.equal(signature.slice(0, vector.mac.length), vector.mac)
      return
    }
    assert.equal(signature, vector.mac)
    const verdict = verifyWebhook({
      scheme: 'body',
      body: vector.data,
      secret: vector.key,
      signature: vector.mac,
      timestamp: undefined,
    })
    assert.deepEqual(verdict, { valid: true, secretIndex: 0, timestamp: null })
  })
}

// Random inputs, compared with node:crypto. The seed makes every run the same run; change it
// (or drop it) locally to explore further.
const SEED = 0x0c10_5eed
const secretArb = fc.oneof(
  // Any Unicode text (node:crypto and the addon must both key with its UTF-8 bytes). Signing keys
  // never start or end with whitespace, which the API refuses (ERR_SECRET_WHITESPACE).
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }).filter((s) => s.trim() === s),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
)
const bodyArb = fc.oneof(
  // Arbitrary bytes, so most bodies are not valid UTF-8; empty bodies included.
  fc.uint8Array({ minLength: 0, maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: 'binary', minLength: 0, maxLength: 200 }),
  fc.constant(''),
  fc.constant(Buffer.alloc(0)),
)
// Up to 1e11: `now` above that is refused as milliseconds (ERR_INVALID_NOW).
const timestampArb = fc.integer({ min: 0, max: 1e11 })

function flipBit(bytes, bit) {
  const copy = Buffer.from(bytes)
  copy[bit >> 3] ^= 1 << (bit & 7)
  return copy
}

test('signWebhook and verifyWebhook agree with node:crypto on 3000 random deliveries', () => {
  fc.assert(
    fc.property(secretArb, timestampArb, bodyArb, fc.nat(), fc.nat(), (secret, timestamp, body, a, b) => {
      const expected = nodeV0Signature(secret, timestamp, body)
      const headers = signWebhook(body, secret, { timestamp })
      assert.equal(headers['x-cio-signature'], expected)
      assert.equal(headers['x-cio-timestamp'], String(timestamp))

      const delivery = { body, secret, signature: expected, timestamp: String(timestamp), now: timestamp }
      assert.deepEqual(verifyWebhook(delivery), { valid: true, secretIndex: 0, timestamp })

      const mac = Buffer.from(expected, 'hex')
      const badSignature = flipBit(mac, a % 256).toString('hex')
      assert.deepEqual(verifyWebhook({ ...delivery, signature: badSignature }), {
        valid: false,
        reason: 'SIGNATURE_MISMATCH',
      })

      const bytes = Buffer.from(body)
      if (bytes.length > 0) {
        const badBody = flipBit(bytes, b % (bytes.length * 8))
        assert.deepEqual(verifyWebhook({ ...delivery, body: badBody }), {
          valid: false,
          reason: 'SIGNATURE_MISMATCH',
        })
      }
    }),
    { numRuns: 3000, seed: SEED },
  )
})

// fast-check's 'binary' strings hold no lone surrogates; JS strings can. node:crypto encodes one
// as U+FFFD (EF BF BD), and the addon must hash the same bytes.
test('a lone surrogate in a string secret or body is hashed like node:crypto does', () => {
  const secret = 'key\ud800tail'
  const body = '{"metric":"sent\udfff"}'
  const expected = nodeV0Signature(secret, 1700000000, body)
  assert.equal(signWebhook(body, secret, { timestamp: 1700000000 })['x-cio-signature'], expected)
  const delivery = { body, secret, signature: expected, timestamp: '1700000000', now: 1700000000 }
  assert.deepEqual(verifyWebhook(delivery), { valid: true, secretIndex: 0, timestamp: 1700000000 })
})

const SECRET = 'oracle-test-secret'
const BODY = Buffer.from('{"event_id":"01E4C4C6P79C12J5A6KPE6XNFD","metric":"sent"}')
const TS = 1700000000

test('an uppercase hex signature is accepted', () => {
  const signature = nodeV0Signature(SECRET, TS, BODY).toUpperCase()
  assert.match(signature, /[A-F]/)
  assert.deepEqual(verifyWebhook({ body: BODY, secret: SECRET, signature, timestamp: String(TS), now: TS }), {
    valid: true,
    secretIndex: 0,
    timestamp: TS,
  })
})

test('with several secrets (rotation), secretIndex names the one that signed', () => {
  const secrets = ['rotation-new', Buffer.from('rotation-middle'), 'rotation-old']
  for (const [index, secret] of secrets.entries()) {
    const signature = nodeV0Signature(secret, TS, BODY)
    const delivery = { body: BODY, signature, timestamp: String(TS), now: TS }
    assert.deepEqual(verifyWebhook({ ...delivery, secret: secrets }), {
      valid: true,
      secretIndex: index,
      timestamp: TS,
    })
    assert.deepEqual(new WebhookVerifier({ secret: secrets }).verify(delivery), {
      valid: true,
      secretIndex: index,
      timestamp: TS,
    })
  }
  const stranger = nodeV0Signature('not-in-the-list', TS, BODY)
  assert.deepEqual(
    verifyWebhook({ body: BODY, secret: secrets, signature: stranger, timestamp: String(TS), now: TS }),
    { valid: false, reason: 'SIGNATURE_MISMATCH' },
  )
})
