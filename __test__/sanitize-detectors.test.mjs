// The value detectors through the object API must match the JSON entry point exactly. The JS
// walk (lib/sanitize/walk.js) skips the native scan for strings shorter than 11 characters or
// without two adjacent digits, and for numbers that are not integers of 9+ digits; these tests
// check that pre-filter never hides a match the native scan would make.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'

import { createSanitizer } from '../index.js'
import { detectorCandidate, grouped, luhnCard, luhnValid } from './helpers/sanitize-shapes.mjs'

const SEED = 1337
const SANITIZERS = {
  default: createSanitizer(),
  'cards dropped': createSanitizer({ detectors: { cardNumber: 'drop' } }),
  'ssn off, iban dropped': createSanitizer({ detectors: { usSsn: 'off', iban: 'drop' } }),
}

/** What the JSON entry point makes of `{"x": value}`: the parsed object and the report. */
function viaJson(sanitizer, value) {
  const { json, report } = sanitizer.sanitizeJsonWithReport('{"x":' + JSON.stringify(value) + '}')
  return { attributes: JSON.parse(json), report }
}

for (const [name, sanitizer] of Object.entries(SANITIZERS)) {
  test(`strings (${name}): the object API changes exactly what sanitizeJson changes`, () => {
    fc.assert(
      fc.property(detectorCandidate, (text) => {
        const expected = viaJson(sanitizer, text)
        assert.deepEqual(sanitizer.sanitizeWithReport({ x: text }), expected)
        // In arrays and nested objects too.
        const nested = { list: [text], deep: { x: text } }
        const nestedJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(nested))
        assert.deepEqual(sanitizer.sanitizeWithReport(nested), { attributes: JSON.parse(nestedJson.json), report: nestedJson.report })
      }),
      { seed: SEED, numRuns: 4000 },
    )
  })
}

test('the pre-filter: a string it skips is never changed by the native scan', () => {
  const skipped = (text) => text.length < 11 || !/\d\d/.test(text)
  const sanitizer = SANITIZERS.default
  fc.assert(
    fc.property(detectorCandidate.filter(skipped), (text) => {
      assert.deepEqual(viaJson(sanitizer, text).attributes, { x: text })
    }),
    { seed: SEED + 1, numRuns: 3000 },
  )
  // The shortest matches sit right at its bounds: 11 characters, and two adjacent digits at most.
  assert.deepEqual(sanitizer.sanitize({ x: '123-45-6789' }), { x: '[REDACTED:us_ssn]' })
  assert.deepEqual(sanitizer.sanitize({ x: '23-45-6789' }), { x: '23-45-6789' })
})

test('integers (safe range): the object API drops exactly what sanitizeJson drops', () => {
  const sanitizer = SANITIZERS.default
  const safeCards = luhnCard.map(Number).filter(Number.isSafeInteger)
  const integers = fc.oneof(fc.maxSafeInteger(), safeCards, safeCards.map((n) => -n), fc.integer({ min: 1e8, max: 1e10 }))
  fc.assert(
    fc.property(integers, (n) => {
      assert.deepEqual(sanitizer.sanitizeWithReport({ x: n }), viaJson(sanitizer, n))
    }),
    { seed: SEED + 2, numRuns: 3000 },
  )
})

// --- Known test card numbers -----------------------------------------------------------------

// Published test numbers (Visa, Amex, Discover, Mastercard), Luhn-valid by construction.
const TEST_CARDS = ['4111111111111111', '378282246310005', '6011111111111117', '5555555555554444']

test('the oracle agrees the known test cards are Luhn-valid', () => {
  for (const card of TEST_CARDS) assert.ok(luhnValid(card), card)
})

test('known test card numbers are redacted, contiguous, with spaces and with dashes', () => {
  const sanitizer = SANITIZERS.default
  for (const card of TEST_CARDS) {
    for (const written of [card, grouped(card, ' '), grouped(card, '-')]) {
      const input = { note: `paid with ${written} today`, alone: written }
      const { attributes, report } = sanitizer.sanitizeWithReport(input)
      assert.deepEqual(attributes, { note: 'paid with [REDACTED:card_number] today', alone: '[REDACTED:card_number]' }, written)
      assert.deepEqual(report.changes, [
        { path: 'note', action: 'redacted', rule: 'detector:card_number' },
        { path: 'alone', action: 'redacted', rule: 'detector:card_number' },
      ])
      assert.deepEqual(viaJson(sanitizer, input.note).attributes, { x: attributes.note })
    }
  }
})

test('Amex in its own 4-6-5 grouping is redacted', () => {
  assert.deepEqual(SANITIZERS.default.sanitize({ x: '3782 822463 10005' }), { x: '[REDACTED:card_number]' })
})

test('Luhn-invalid numbers of card shape are kept', () => {
  const sanitizer = SANITIZERS.default
  for (const card of TEST_CARDS) {
    const broken = card.slice(0, -1) + String((Number(card.at(-1)) + 1) % 10)
    assert.ok(!luhnValid(broken))
    for (const written of [broken, grouped(broken, ' '), grouped(broken, '-')]) {
      assert.deepEqual(sanitizer.sanitizeWithReport({ x: written }), { attributes: { x: written }, report: { changes: [] } })
      assert.deepEqual(viaJson(sanitizer, written).attributes, { x: written })
    }
  }
})

test('a card number as a JS number is dropped, never redacted into a string', () => {
  const sanitizer = SANITIZERS.default
  // 4111111111111111 is above 2^53 and not exact as a double: 378282246310005 is.
  const input = { amount: 378282246310005, list: [378282246310005, 42], fine: 378282246310006 }
  const expected = { attributes: { list: [42], fine: 378282246310006 }, report: { changes: [
    { path: 'amount', action: 'dropped', rule: 'detector:card_number' },
    { path: 'list[0]', action: 'dropped', rule: 'detector:card_number' },
  ] } }
  assert.deepEqual(sanitizer.sanitizeWithReport(input), expected)
  const fromJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(input))
  assert.deepEqual({ attributes: JSON.parse(fromJson.json), report: fromJson.report }, expected)
})

test(
  'a card number with a fraction is dropped by both entry points',
  () => {
    const sanitizer = SANITIZERS.default
    const input = { x: 378282246310005.5 }
    const expected = { attributes: {}, report: { changes: [{ path: 'x', action: 'dropped', rule: 'detector:card_number' }] } }
    assert.deepEqual(viaJson(sanitizer, input.x), expected)
    assert.deepEqual(sanitizer.sanitizeWithReport(input), expected)
  },
)

test("detectors: false keeps card numbers, as strings and as numbers", () => {
  const off = createSanitizer({ detectors: false })
  const input = { a: '4111 1111 1111 1111', n: 378282246310005 }
  assert.deepEqual(off.sanitize(input), input)
  assert.equal(off.sanitizeJson(JSON.stringify(input)), JSON.stringify(input))
})
