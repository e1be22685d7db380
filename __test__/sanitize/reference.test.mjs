// The default policy against the reference implementation (helpers/sanitize-reference.mjs)
// on random flat objects whose keys are the reference's 16 names in random letter case: same
// keys, same order, same values, through the object API and through sanitizeJson.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'

import { createSanitizer, sanitizeAttributes } from '../../index.js'
import { REFERENCE_NAMES, referenceSanitize, sha256Hex } from '../helpers/sanitize-reference.mjs'
import { anyUnicode, detectorClean, digitish, flatObject, randomCase } from '../helpers/sanitize-arbitraries.mjs'

const SEED = 20240603
const RUNS = 3000
const sanitizer = createSanitizer()

const referenceKey = fc.constantFrom(...REFERENCE_NAMES).chain(randomCase)

// Every one of the 16 names is a drop or a hash rule, so no value under them reaches the value
// detectors: any string at all is fair, digits included.
const referenceObject = flatObject(referenceKey, fc.oneof(anyUnicode, digitish))

// Keys the reference copies. The default policy runs value detectors on these (it redacts card
// numbers, SSNs and IBANs the reference leaks), so their values are filtered to those the
// detectors leave alone; the detectors themselves are tested in sanitize/detectors.test.mjs.
// These are spelled in one case throughout: mixed case inside a word makes a camelCase boundary
// the default policy splits on (`zIp` reads as `z_ip`, whose last word is the `ip` rule).
const OTHER_NAMES = ['email', 'first_name', 'plan', 'note', 'created_at', 'zip', 'phoney', 'shipment']
const otherKey = fc.constantFrom(...OTHER_NAMES, ...OTHER_NAMES.map((name) => name.toUpperCase()))
const cleanValue = fc.oneof(anyUnicode, digitish).filter(detectorClean)
const mixedObject = flatObject(fc.oneof(referenceKey, otherKey), cleanValue)

function assertSameAsReference(input) {
  const expected = referenceSanitize(input)
  const actual = sanitizeAttributes(input)
  assert.deepEqual(actual, expected)
  // deepEqual ignores key order; the contract does not.
  assert.deepEqual(Object.keys(actual), Object.keys(expected))
}

test('random flat objects of the 16 reference names in random case: identical to the reference', () => {
  fc.assert(fc.property(referenceObject, assertSameAsReference), { seed: SEED, numRuns: RUNS })
})

test('the same objects through sanitizeJson parse to the reference result, in the same order', () => {
  fc.assert(
    fc.property(referenceObject, (input) => {
      const expected = referenceSanitize(input)
      const parsed = JSON.parse(sanitizer.sanitizeJson(JSON.stringify(input)))
      assert.deepEqual(parsed, expected)
      assert.deepEqual(Object.keys(parsed), Object.keys(expected))
    }),
    { seed: SEED, numRuns: RUNS },
  )
})

test('reference names mixed with names the reference copies (detector-clean values): identical', () => {
  fc.assert(
    fc.property(mixedObject, (input) => {
      assertSameAsReference(input)
      const parsed = JSON.parse(sanitizer.sanitizeJson(JSON.stringify(input)))
      assert.deepEqual(parsed, referenceSanitize(input))
      assert.deepEqual(Object.keys(parsed), Object.keys(referenceSanitize(input)))
    }),
    { seed: SEED + 1, numRuns: RUNS },
  )
})

test("the guide's 5-key example", () => {
  const input = {
    email: 'jane@example.com',
    phone: '+1-555-0100',
    ssn: '123-45-6789',
    ip_address: '203.0.113.7',
    plan: 'premium',
  }
  // Written out by hand; the hashes are node:crypto's (checked below, so a typo cannot hide).
  const expected = {
    email: 'jane@example.com',
    phone_hash: '1d6fc633584905af',
    ip_address_hash: 'fec52565aa0cf18f',
    plan: 'premium',
  }
  assert.equal(expected.phone_hash, sha256Hex('+1-555-0100', 16))
  assert.equal(expected.ip_address_hash, sha256Hex('203.0.113.7', 16))
  assert.deepEqual(referenceSanitize(input), expected)

  const actual = sanitizeAttributes(input)
  assert.deepEqual(actual, expected)
  assert.deepEqual(Object.keys(actual), Object.keys(expected))
  const json = sanitizer.sanitizeJson(JSON.stringify(input))
  assert.equal(json, JSON.stringify(expected))
})

test('a lone surrogate hashes as its UTF-8 replacement character, like node:crypto', () => {
  // JS strings may hold unpaired surrogates; both sides encode them as U+FFFD.
  const input = { phone: '\ud800+15550100', Address: 'x\udfff' }
  assert.deepEqual(sanitizeAttributes(input), referenceSanitize(input))
  assert.deepEqual(JSON.parse(sanitizer.sanitizeJson(JSON.stringify(input))), referenceSanitize(input))
})

test('the input object is returned as a new object, not the same one', () => {
  const input = { email: 'a@example.com' }
  const output = sanitizeAttributes(input)
  assert.notEqual(output, input)
  assert.deepEqual(output, input)
})
