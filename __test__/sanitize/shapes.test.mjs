// The sanitizer compiles a builder for object shapes it sees repeatedly (lib/sanitize/shapes.js).
// The compiled path must give exactly what the plain walk gives: same keys, same order, same
// values, same errors. A fresh sanitizer walks an object's shape plainly the first time and uses
// the compiled builder from the second time on, so sanitizing each input three times compares
// the two paths.

import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import fc from 'fast-check'

const require = createRequire(import.meta.url)
const { createSanitizer } = require('../../index.js')

const NAMES = [
  'email',
  'phone',
  'Phone',
  'phone_hash',
  'ssn',
  'cardNumber',
  'ip',
  'note',
  'id',
  'plan',
  'constructor',
  '0',
  '__proto__',
]
const value = fc.oneof(
  fc.string(),
  fc.constantFrom('4111 1111 1111 1111', '123-45-6789', 'DE89 3704 0044 0532 0130 00', '+15550123456'),
  fc.integer(),
  fc.constant(378282246310005),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.constantFrom(...NAMES), fc.string(), { maxKeys: 3 }),
)
const attrs = fc.dictionary(fc.constantFrom(...NAMES), value, { maxKeys: 10 })

function viaBothPaths(sanitizer, input) {
  const first = sanitizer.sanitize(input)
  sanitizer.sanitize(input)
  const third = sanitizer.sanitize(input)
  return { first, third }
}

for (const [name, policy] of [
  ['default policy', undefined],
  ['customerio preset with sms', { preset: 'customerio', sms: true }],
  ['detectors dropping', { detectors: { cardNumber: 'drop', usSsn: 'drop', iban: 'drop' } }],
  [
    'hmac and mask rules',
    { fields: { phone: 'hmac', note: { action: 'mask', keepLast: 2 } }, pepper: { key: 'k', keyId: 'k1' } },
  ],
]) {
  test(`compiled shapes give what the plain walk gives (${name})`, () => {
    fc.assert(
      fc.property(attrs, (input) => {
        const { first, third } = viaBothPaths(createSanitizer(policy), input)
        assert.deepEqual(third, first)
        assert.deepEqual(Object.keys(third), Object.keys(first))
      }),
      { numRuns: 1500, seed: 0x5eed5 },
    )
  })
}

test('a key next to its own _hash name takes the plain walk and matches it', () => {
  const sanitizer = createSanitizer()
  const input = { phone: 15550123, phone_hash: 'given', note: '123-45-6789' }
  const { first, third } = viaBothPaths(sanitizer, input)
  assert.deepEqual(third, first)
  assert.deepEqual(Object.keys(third), Object.keys(first))
})

test('errors are the same on the compiled path', () => {
  const sanitizer = createSanitizer()
  const make = () => {
    const input = { a: 1, nested: {} }
    input.nested.self = input
    return input
  }
  for (let i = 0; i < 3; i++) {
    assert.throws(() => sanitizer.sanitize(make()), { code: 'ERR_CYCLE' })
  }
  let reads = 0
  const throwing = () => ({
    email: 'x@y.z',
    get phone() {
      reads++
      throw new Error('boom')
    },
  })
  for (let i = 0; i < 3; i++) {
    assert.throws(() => sanitizer.sanitize(throwing()), { code: 'ERR_READ_FAILED' })
  }
  assert.equal(reads, 3, 'each getter is read once per call')
})
