// The value detectors through the object API must match the JSON entry point exactly. The JS
// walk (lib/sanitize/walk.js) skips the native scan for strings its pre-filter rejects (regexes the
// core builds from the detectors' shapes), and for numbers below 1e12 or whole and Luhn-invalid;
// these tests check that pre-filter never hides a match the native scan would make, on random
// strings and on near misses of every detector (Unicode digits and separators, encoding residue,
// lowercase IBANs, secrets, numeric strings).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'

import { createRequire } from 'node:module'

import { createSanitizer } from '../../index.js'
import { detectorCandidate, grouped, luhnCard, luhnValid } from '../helpers/sanitize-shapes.mjs'

const SEED = 1337
const SANITIZERS = {
  default: createSanitizer(),
  'cards dropped': createSanitizer({ detectors: { cardNumber: 'drop' } }),
  'ssn off, iban dropped': createSanitizer({ detectors: { usSsn: 'off', iban: 'drop' } }),
  'email and phone on': createSanitizer({ detectors: { email: 'redact', phone: 'redact' } }),
  'secrets dropped, cards off': createSanitizer({
    detectors: { cardNumber: 'off', jwt: 'drop', privateKey: 'drop', awsAccessKeyId: 'drop', bearerToken: 'drop' },
  }),
}

const POLICIES = {
  default: {},
  'email and phone on': { detectors: { email: 'redact', phone: 'redact' } },
  'secrets only': { detectors: { cardNumber: 'off', usSsn: 'off', iban: 'off' } },
  'phone only': {
    detectors: {
      cardNumber: 'off',
      usSsn: 'off',
      iban: 'off',
      jwt: 'off',
      privateKey: 'off',
      awsAccessKeyId: 'off',
      bearerToken: 'off',
      phone: 'redact',
    },
  },
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
        assert.deepEqual(sanitizer.sanitizeWithReport(nested), {
          attributes: JSON.parse(nestedJson.json),
          report: nestedJson.report,
        })
      }),
      { seed: SEED, numRuns: 3000 },
    )
  })
}

// The walker's own pre-filter, built from the policy as the sanitizer builds it.
const require = createRequire(import.meta.url)
const native = require('../../lib/native.js')
const { Prefilter } = require('../../lib/sanitize/prefilter.js')

for (const [name, policy] of Object.entries(POLICIES)) {
  test(`the pre-filter (${name}): a string it skips is never changed by the native scan`, () => {
    const compiled = native.sanitizerCreate(JSON.stringify(policy))
    const prefilter = new Prefilter(native.sanitizerInfo(compiled))
    const sanitizer = createSanitizer(policy)
    let skipped = 0
    fc.assert(
      fc.property(detectorCandidate, (text) => {
        if (prefilter.mayHoldPii(text)) return
        skipped++
        // The JSON entry point runs the native scan on every string, without the pre-filter.
        assert.deepEqual(viaJson(sanitizer, text).attributes, { x: text })
        assert.equal(native.sanitizerScan(compiled, text), null)
      }),
      { seed: SEED + 1, numRuns: 6000 },
    )
    // The property did skip strings (it would hold vacuously otherwise).
    assert.ok(skipped > 500, `${skipped} skipped`)
  })
}

test('the pre-filter accepts the shortest matches at its bounds', () => {
  const sanitizer = SANITIZERS.default
  assert.deepEqual(sanitizer.sanitize({ x: '123-45-6789' }), { x: '[REDACTED:us_ssn]' })
  assert.deepEqual(sanitizer.sanitize({ x: '23-45-6789' }), { x: '23-45-6789' })
  assert.deepEqual(sanitizer.sanitize({ x: '1e12' }), { x: '1e12' })
  assert.deepEqual(sanitizer.sanitize({ x: '4.2e15' }), { x: '[REDACTED:card_number]' })
  assert.deepEqual(sanitizer.sanitize({ x: '\u0661\u0662\u0663-45-6789' }), { x: '[REDACTED:us_ssn]' })
  assert.deepEqual(sanitizer.sanitize({ x: '\u{1d7cf}\u{1d7d0}\u{1d7d1}-45-6789' }), { x: '[REDACTED:us_ssn]' })
})

test('integers (safe range): the object API drops exactly what sanitizeJson drops', () => {
  const sanitizer = SANITIZERS.default
  const safeCards = luhnCard.map(Number).filter(Number.isSafeInteger)
  const integers = fc.oneof(
    fc.maxSafeInteger(),
    safeCards,
    safeCards.map((n) => -n),
    fc.integer({ min: 1e8, max: 1e10 }),
  )
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
      assert.deepEqual(
        attributes,
        { note: 'paid with [REDACTED:card_number] today', alone: '[REDACTED:card_number]' },
        written,
      )
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
      assert.deepEqual(sanitizer.sanitizeWithReport({ x: written }), {
        attributes: { x: written },
        report: { changes: [], omitted: 0 },
      })
      assert.deepEqual(viaJson(sanitizer, written).attributes, { x: written })
    }
  }
})

test('a card number as a JS number is dropped, never redacted into a string', () => {
  const sanitizer = SANITIZERS.default
  // 4111111111111111 is above 2^53 and not exact as a double: 378282246310005 is.
  const input = { amount: 378282246310005, list: [378282246310005, 42], fine: 378282246310006 }
  const expected = {
    attributes: { list: [42], fine: 378282246310006 },
    report: {
      changes: [
        { path: 'amount', action: 'dropped', rule: 'detector:card_number' },
        { path: 'list[0]', action: 'dropped', rule: 'detector:card_number' },
      ],
      omitted: 0,
    },
  }
  assert.deepEqual(sanitizer.sanitizeWithReport(input), expected)
  const fromJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(input))
  assert.deepEqual({ attributes: JSON.parse(fromJson.json), report: fromJson.report }, expected)
})

test('a card number with a fraction is dropped by both entry points', () => {
  const sanitizer = SANITIZERS.default
  const input = { x: 378282246310005.5 }
  const expected = {
    attributes: {},
    report: { changes: [{ path: 'x', action: 'dropped', rule: 'detector:card_number' }], omitted: 0 },
  }
  assert.deepEqual(viaJson(sanitizer, input.x), expected)
  assert.deepEqual(sanitizer.sanitizeWithReport(input), expected)
})

test('detectors: false keeps card numbers, as strings and as numbers', () => {
  const off = createSanitizer({ detectors: false })
  const input = { a: '4111 1111 1111 1111', n: 378282246310005 }
  assert.deepEqual(off.sanitize(input), input)
  assert.equal(off.sanitizeJson(JSON.stringify(input)), JSON.stringify(input))
})
