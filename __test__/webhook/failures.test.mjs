// One named test per failure reason, per malformed-header class and per misuse code. Every
// verdict is checked through both verifyWebhook and WebhookVerifier (see verifyBoth).
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { signWebhook, verifyWebhook, WebhookVerifier, WEBHOOK_FAILURES } from '../../index.js'
import { nodeV0Signature } from '../helpers/webhook-oracle.mjs'
import { assertMisuse, BODY, delivery, NOW, SECRET, SIG, TS, verifyBoth } from '../helpers/webhook-delivery.mjs'

const VALID = { valid: true, secretIndex: 0, timestamp: NOW }
const fail = (reason) => ({ valid: false, reason })

test('the genuine delivery the failure tests start from is valid', () => {
  assert.deepEqual(verifyBoth(delivery()), VALID)
})

test('WEBHOOK_FAILURES lists the seven reasons', () => {
  assert.deepEqual([...WEBHOOK_FAILURES].sort(), [
    'MALFORMED_SIGNATURE',
    'MALFORMED_TIMESTAMP',
    'MISSING_SIGNATURE',
    'MISSING_TIMESTAMP',
    'SIGNATURE_MISMATCH',
    'TIMESTAMP_TOO_NEW',
    'TIMESTAMP_TOO_OLD',
  ])
})

// --- One test per reason --------------------------------------------------------------------

test('MISSING_SIGNATURE: no X-CIO-Signature', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), signature: undefined }), fail('MISSING_SIGNATURE'))
})

test('MISSING_TIMESTAMP: no X-CIO-Timestamp', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), timestamp: undefined }), fail('MISSING_TIMESTAMP'))
})

test('MALFORMED_SIGNATURE: not 64 hex characters', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), signature: 'not-a-signature' }), fail('MALFORMED_SIGNATURE'))
})

test('MALFORMED_TIMESTAMP: not decimal seconds', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), timestamp: 'yesterday' }), fail('MALFORMED_TIMESTAMP'))
})

test('TIMESTAMP_TOO_OLD: signed an hour before now', () => {
  assert.deepEqual(verifyBoth(delivery({ timestamp: String(NOW - 3600) })), fail('TIMESTAMP_TOO_OLD'))
})

test('TIMESTAMP_TOO_NEW: signed an hour after now', () => {
  assert.deepEqual(verifyBoth(delivery({ timestamp: String(NOW + 3600) })), fail('TIMESTAMP_TOO_NEW'))
})

test('SIGNATURE_MISMATCH: signed with another secret', () => {
  const signature = nodeV0Signature('some-other-secret', TS, BODY)
  assert.deepEqual(verifyBoth({ ...delivery(), signature }), fail('SIGNATURE_MISMATCH'))
})

test('SIGNATURE_MISMATCH: the timestamp is part of what is signed', () => {
  // Both within the window, so only the MAC can refuse it.
  assert.deepEqual(verifyBoth({ ...delivery(), timestamp: String(NOW + 1) }), fail('SIGNATURE_MISMATCH'))
})

// --- Malformed X-CIO-Signature, by class ------------------------------------------------------

const SIGNATURE_CLASSES = [
  ['a v0= prefix', `v0=${SIG}`, 'MALFORMED_SIGNATURE'],
  ['a sha256= prefix', `sha256=${SIG}`, 'MALFORMED_SIGNATURE'],
  ['63 characters', SIG.slice(0, 63), 'MALFORMED_SIGNATURE'],
  ['65 characters', `${SIG}0`, 'MALFORMED_SIGNATURE'],
  ['a non-hex character', `g${SIG.slice(1)}`, 'MALFORMED_SIGNATURE'],
  ['a non-ASCII character in 64 bytes', `${SIG.slice(0, 62)}é`, 'MALFORMED_SIGNATURE'],
  ['leading whitespace', ` ${SIG}`, 'MALFORMED_SIGNATURE'],
  ['trailing whitespace', `${SIG} `, 'MALFORMED_SIGNATURE'],
  ['a trailing newline', `${SIG}\n`, 'MALFORMED_SIGNATURE'],
  ['a 1 MB header', 'a'.repeat(1 << 20), 'MALFORMED_SIGNATURE'],
  ['an empty string', '', 'MISSING_SIGNATURE'],
  ['null', null, 'MISSING_SIGNATURE'],
  ['undefined', undefined, 'MISSING_SIGNATURE'],
  ['an array of two different values', [SIG, nodeV0Signature('other', TS, BODY)], 'MALFORMED_SIGNATURE'],
  // The same letters in another case are still two different header values.
  ['an array of the same MAC in two cases', [SIG, SIG.toUpperCase()], 'MALFORMED_SIGNATURE'],
  ['an empty array', [], 'MISSING_SIGNATURE'],
  ['a number', 12345, 'MALFORMED_SIGNATURE'],
  ['an array of a number', [12345], 'MALFORMED_SIGNATURE'],
]

for (const [name, signature, reason] of SIGNATURE_CLASSES) {
  test(`X-CIO-Signature as ${name} is ${reason}`, () => {
    assert.deepEqual(verifyBoth({ ...delivery(), signature }), fail(reason))
  })
}

test('X-CIO-Signature as an array of two equal values is accepted as that value', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), signature: [SIG, SIG] }), VALID)
  assert.deepEqual(verifyBoth({ ...delivery(), signature: [SIG] }), VALID)
})

test('X-CIO-Signature in uppercase hex is accepted', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), signature: SIG.toUpperCase() }), VALID)
})

// --- Malformed X-CIO-Timestamp, by class ------------------------------------------------------

test('X-CIO-Timestamp as a number: a valid integer is accepted', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), timestamp: NOW }), VALID)
})

const TIMESTAMP_CLASSES = [
  ['the number 1.5', 1.5, 'MALFORMED_TIMESTAMP'],
  ['the number -1', -1, 'MALFORMED_TIMESTAMP'],
  ['the number NaN', NaN, 'MALFORMED_TIMESTAMP'],
  ['the number 1e21', 1e21, 'MALFORMED_TIMESTAMP'],
  ['the number Infinity', Infinity, 'MALFORMED_TIMESTAMP'],
  ['a leading plus sign', `+${TS}`, 'MALFORMED_TIMESTAMP'],
  ['a leading minus sign', `-${TS}`, 'MALFORMED_TIMESTAMP'],
  ['a leading space', ` ${TS}`, 'MALFORMED_TIMESTAMP'],
  ['a trailing space', `${TS} `, 'MALFORMED_TIMESTAMP'],
  ['a trailing newline', `${TS}\n`, 'MALFORMED_TIMESTAMP'],
  ['a fraction', `${TS}.0`, 'MALFORMED_TIMESTAMP'],
  ['an exponent', '17e8', 'MALFORMED_TIMESTAMP'],
  ['hexadecimal', '0x6553f100', 'MALFORMED_TIMESTAMP'],
  ['13 digits', '1700000000000', 'MALFORMED_TIMESTAMP'],
  ['milliseconds (Date.now())', String(NOW * 1000), 'MALFORMED_TIMESTAMP'],
  ['fullwidth digits', '１７００００００００', 'MALFORMED_TIMESTAMP'],
  ['Arabic-Indic digits', '١٧٠٠٠٠٠٠٠٠', 'MALFORMED_TIMESTAMP'],
  ['an array of two different values', [TS, String(NOW + 1)], 'MALFORMED_TIMESTAMP'],
  ['an empty string', '', 'MISSING_TIMESTAMP'],
  ['null', null, 'MISSING_TIMESTAMP'],
  ['an empty array', [], 'MISSING_TIMESTAMP'],
]

for (const [name, timestamp, reason] of TIMESTAMP_CLASSES) {
  test(`X-CIO-Timestamp as ${name} is ${reason}`, () => {
    assert.deepEqual(verifyBoth({ ...delivery(), timestamp }), fail(reason))
  })
}

test('X-CIO-Timestamp of 12 digits is well-formed (refused only as too new)', () => {
  assert.deepEqual(verifyBoth(delivery({ timestamp: '999999999999' })), fail('TIMESTAMP_TOO_NEW'))
})

test('X-CIO-Timestamp as an array of two equal values is accepted as that value', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), timestamp: [TS, TS] }), VALID)
})

// --- The time window --------------------------------------------------------------------------

test('window edges: exactly 300 s either way is valid', () => {
  for (const seconds of [NOW - 300, NOW + 300]) {
    assert.deepEqual(verifyBoth(delivery({ timestamp: String(seconds) })), { ...VALID, timestamp: seconds })
  }
})

test('window edges: 301 s either way is refused', () => {
  assert.deepEqual(verifyBoth(delivery({ timestamp: String(NOW - 301) })), fail('TIMESTAMP_TOO_OLD'))
  assert.deepEqual(verifyBoth(delivery({ timestamp: String(NOW + 301) })), fail('TIMESTAMP_TOO_NEW'))
})

test('toleranceSeconds: 0 means exactly now, not the default', () => {
  assert.deepEqual(verifyBoth({ ...delivery(), toleranceSeconds: 0 }), VALID)
  const before = delivery({ timestamp: String(NOW - 1) })
  const after = delivery({ timestamp: String(NOW + 1) })
  assert.deepEqual(verifyBoth({ ...before, toleranceSeconds: 0 }), fail('TIMESTAMP_TOO_OLD'))
  assert.deepEqual(verifyBoth({ ...after, toleranceSeconds: 0 }), fail('TIMESTAMP_TOO_NEW'))
  // The same deliveries pass under the default window, so 0 was not read as "unset".
  assert.equal(verifyBoth(before).valid, true)
})

test('toleranceSeconds: a custom window moves the edges', () => {
  const edge = delivery({ timestamp: String(NOW - 60) })
  const past = delivery({ timestamp: String(NOW - 61) })
  assert.equal(verifyBoth({ ...edge, toleranceSeconds: 60 }).valid, true)
  assert.deepEqual(verifyBoth({ ...past, toleranceSeconds: 60 }), fail('TIMESTAMP_TOO_OLD'))
})

test('toleranceSeconds: Infinity turns the window off', () => {
  for (const seconds of [0, 1, NOW - 10 * 365 * 86400, 99_999_999_999]) {
    const input = { ...delivery({ timestamp: String(seconds) }), toleranceSeconds: Infinity }
    assert.deepEqual(verifyBoth(input), { ...VALID, timestamp: seconds })
  }
})

test('without `now`, the system clock is used', () => {
  // signWebhook stamps the current second; the 300 s window absorbs any delay here.
  const headers = signWebhook(BODY, SECRET)
  const input = {
    body: BODY,
    secret: SECRET,
    signature: headers['x-cio-signature'],
    timestamp: headers['x-cio-timestamp'],
  }
  assert.deepEqual(verifyBoth(input), { ...VALID, timestamp: Number(headers['x-cio-timestamp']) })
  // And a delivery from 2023 is far outside it.
  const { now, ...old } = delivery()
  assert.deepEqual(verifyBoth(old), fail('TIMESTAMP_TOO_OLD'))
})

// --- scheme: 'body' ---------------------------------------------------------------------------

test("scheme 'body' ignores the timestamp and returns timestamp: null", () => {
  const signature = signWebhook(BODY, SECRET, { scheme: 'body' })['x-cio-signature']
  const base = { body: BODY, secret: SECRET, signature, scheme: 'body', now: NOW }
  const expected = { valid: true, secretIndex: 0, timestamp: null }
  for (const timestamp of [undefined, '', 'yesterday', '1', TS, [TS, '2'], 1.5]) {
    assert.deepEqual(verifyBoth({ ...base, timestamp }), expected, `timestamp ${String(timestamp)}`)
    assert.deepEqual(verifyBoth({ ...base, timestamp, toleranceSeconds: 0 }), expected)
  }
})

test("scheme 'body' still refuses a missing, malformed or wrong signature", () => {
  const base = { body: BODY, secret: SECRET, scheme: 'body', timestamp: undefined }
  assert.deepEqual(verifyBoth({ ...base, signature: undefined }), fail('MISSING_SIGNATURE'))
  assert.deepEqual(verifyBoth({ ...base, signature: `sha256=${SIG}` }), fail('MALFORMED_SIGNATURE'))
  // A v0 signature is not a body signature.
  assert.deepEqual(verifyBoth({ ...base, signature: SIG }), fail('SIGNATURE_MISMATCH'))
})

// --- Bodies -----------------------------------------------------------------------------------

test('an empty body (string or Buffer) verifies', () => {
  for (const body of ['', Buffer.alloc(0), new Uint8Array(0)]) {
    assert.deepEqual(verifyBoth(delivery({ body })), VALID)
  }
})

test('a non-UTF-8 body verifies byte for byte', () => {
  const body = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xa0, 0xa1, 0xed, 0xa0, 0x80])
  assert.deepEqual(verifyBoth(delivery({ body })), VALID)
  // Decoding it to text would replace the invalid bytes, and must not verify.
  const lossy = { ...delivery({ body }), body: body.toString('utf8') }
  assert.deepEqual(verifyBoth(lossy), fail('SIGNATURE_MISMATCH'))
})

test('a string body is the same as its UTF-8 Buffer', () => {
  const text = '{"name":"Zoë ✓ 😀","metric":"opened"}'
  const bytes = Buffer.from(text, 'utf8')
  const signed = delivery({ body: bytes })
  assert.deepEqual(verifyBoth({ ...signed, body: text }), VALID)
  assert.deepEqual(signWebhook(text, SECRET, { timestamp: NOW }), signWebhook(bytes, SECRET, { timestamp: NOW }))
})

test('Uint8Array, ArrayBuffer and DataView bodies verify their own bytes', () => {
  const signed = delivery()
  // A larger allocation with the body in the middle, so views with an offset are exercised.
  const backing = new ArrayBuffer(BODY.length + 16)
  const view = new Uint8Array(backing, 7, BODY.length)
  view.set(BODY)
  new Uint8Array(backing).fill(0x41, 0, 7)
  new Uint8Array(backing).fill(0x42, 7 + BODY.length)

  assert.deepEqual(verifyBoth({ ...signed, body: Uint8Array.from(BODY) }), VALID)
  assert.deepEqual(verifyBoth({ ...signed, body: view }), VALID)
  assert.deepEqual(verifyBoth({ ...signed, body: new DataView(backing, 7, BODY.length) }), VALID)
  assert.deepEqual(verifyBoth({ ...signed, body: Uint8Array.from(BODY).buffer }), VALID)
  // The whole backing store is not the body.
  assert.deepEqual(verifyBoth({ ...signed, body: backing }), fail('SIGNATURE_MISMATCH'))
})

// --- Junk never throws ------------------------------------------------------------------------

test('junk headers of any type give a verdict, never an exception', () => {
  const junk = [
    undefined,
    null,
    '',
    ' ',
    '\u0000',
    '\ud800',
    'a'.repeat(1 << 20),
    0,
    -1,
    1.5,
    NaN,
    Infinity,
    10n,
    true,
    false,
    Symbol('x'),
    {},
    { toString: () => SIG },
    () => SIG,
    [],
    [[]],
    [null],
    [1, 2],
    [SIG, 1],
    new Date(NOW * 1000),
    Buffer.from(SIG),
    new Uint8Array(64),
  ]
  for (const signature of [...junk, SIG]) {
    for (const timestamp of [...junk, TS]) {
      if (signature === SIG && timestamp === TS) continue
      const input = { ...delivery(), signature, timestamp }
      let verdict
      assert.doesNotThrow(
        () => {
          verdict = verifyBoth(input)
        },
        `signature ${String(signature).slice(0, 20)} timestamp ${String(timestamp).slice(0, 20)}`,
      )
      assert.equal(verdict.valid, false)
      assert.ok(WEBHOOK_FAILURES.includes(verdict.reason))
    }
  }
})

// --- Misuse throws a coded CustomerioSecurityTypeError ----------------------------------------

const MISUSE = [
  ['ERR_MISSING_SECRET', 'an undefined secret', { secret: undefined }],
  ['ERR_MISSING_SECRET', 'an empty list of secrets', { secret: [] }],
  ['ERR_EMPTY_SECRET', "an empty string ''", { secret: '' }],
  ['ERR_EMPTY_SECRET', 'an empty Buffer', { secret: Buffer.alloc(0) }],
  ['ERR_EMPTY_SECRET', 'an empty secret in a list', { secret: ['ok', ''] }],
  ['ERR_INVALID_SECRET', 'a number secret', { secret: 42 }],
  ['ERR_SECRET_WHITESPACE', "a secret with a trailing newline ('abc\\n')", { secret: 'abc\n' }],
  ['ERR_SECRET_WHITESPACE', 'a secret with a leading space', { secret: ' abc' }],
  ['ERR_BODY_NOT_RAW', 'a parsed (plain object) body', { body: { metric: 'sent' } }],
  ['ERR_INVALID_BODY', 'an undefined body', { body: undefined }],
  ['ERR_INVALID_BODY', 'a null body', { body: null }],
  ['ERR_INVALID_BODY', 'a number body', { body: 42 }],
  ['ERR_INVALID_TOLERANCE', 'toleranceSeconds -1', { toleranceSeconds: -1 }],
  ['ERR_INVALID_TOLERANCE', 'toleranceSeconds NaN', { toleranceSeconds: NaN }],
  ['ERR_INVALID_TOLERANCE', "toleranceSeconds '300'", { toleranceSeconds: '300' }],
  ['ERR_INVALID_NOW', 'now in milliseconds', { now: NOW * 1000 }],
  ['ERR_INVALID_NOW', 'now NaN', { now: NaN }],
  ['ERR_INVALID_SCHEME', "scheme 'v1'", { scheme: 'v1' }],
  ['ERR_INVALID_SCHEME', "scheme 'V0'", { scheme: 'V0' }],
]

for (const [code, name, override] of MISUSE) {
  test(`${code}: ${name} throws`, () => {
    const input = { ...delivery(), ...override }
    assertMisuse(() => verifyWebhook(input), code)
    // The verifier reports the same misuse, from its constructor or from verify().
    const { secret, toleranceSeconds, scheme, ...rest } = input
    assertMisuse(() => new WebhookVerifier({ secret, toleranceSeconds, scheme }).verify(rest), code)
  })
}

test('ERR_INVALID_NOW: Date.now() (milliseconds) is refused', () => {
  assertMisuse(() => verifyWebhook({ ...delivery(), now: Date.now() }), 'ERR_INVALID_NOW')
})

test('a misuse is reported even when the headers are junk', () => {
  // Misuse is a bug in the receiver; it must not hide behind a MISSING_SIGNATURE verdict.
  assertMisuse(() => verifyWebhook({ body: { parsed: true }, secret: SECRET }), 'ERR_BODY_NOT_RAW')
  assertMisuse(() => verifyWebhook({ body: BODY, secret: undefined }), 'ERR_MISSING_SECRET')
})

// --- WebhookVerifier with a secret function ---------------------------------------------------

test('WebhookVerifier: a secret function that returns a new secret takes effect on the next verify', () => {
  let current = 'rotating-secret-a'
  const verifier = new WebhookVerifier({ secret: () => current })
  const signedA = delivery({ secret: 'rotating-secret-a' })
  const signedB = delivery({ secret: 'rotating-secret-b' })
  delete signedA.secret
  delete signedB.secret
  assert.deepEqual(verifier.verify(signedA), VALID)
  assert.deepEqual(verifier.verify(signedB), fail('SIGNATURE_MISMATCH'))

  current = 'rotating-secret-b'
  assert.deepEqual(verifier.verify(signedB), VALID)
  assert.deepEqual(verifier.verify(signedA), fail('SIGNATURE_MISMATCH'))

  // Overlap during a rotation: both, reported by index.
  current = ['rotating-secret-b', 'rotating-secret-a']
  assert.deepEqual(verifier.verify(signedA), { ...VALID, secretIndex: 1 })
  assert.deepEqual(verifier.verify(signedB), VALID)
})

test('WebhookVerifier: a Buffer secret changed in place is noticed on the next verify', () => {
  const key = Buffer.from('buffer-secret-1')
  const verifier = new WebhookVerifier({ secret: () => key })
  const signed1 = delivery({ secret: Buffer.from('buffer-secret-1') })
  const signed2 = delivery({ secret: Buffer.from('buffer-secret-2') })
  delete signed1.secret
  delete signed2.secret
  assert.deepEqual(verifier.verify(signed1), VALID)
  key.write('2', key.length - 1)
  assert.deepEqual(verifier.verify(signed2), VALID)
  assert.deepEqual(verifier.verify(signed1), fail('SIGNATURE_MISMATCH'))
})

test('WebhookVerifier: a secret function that throws makes verify throw', () => {
  let broken = false
  const verifier = new WebhookVerifier({
    secret: () => {
      if (broken) throw new Error('secret store unavailable')
      return SECRET
    },
  })
  const { secret, ...signed } = delivery()
  assert.deepEqual(verifier.verify(signed), VALID)
  broken = true
  assert.throws(() => verifier.verify(signed), /secret store unavailable/)
})

test('WebhookVerifier: a secret function that returns junk makes verify throw a coded error', () => {
  let value = SECRET
  const verifier = new WebhookVerifier({ secret: () => value })
  const { secret, ...signed } = delivery()
  assert.deepEqual(verifier.verify(signed), VALID)
  value = ''
  assertMisuse(() => verifier.verify(signed), 'ERR_EMPTY_SECRET')
  value = undefined
  assertMisuse(() => verifier.verify(signed), 'ERR_MISSING_SECRET')
})
