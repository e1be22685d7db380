// Property tests: on random nested inputs whose keys name never-send and personal data in variant
// spellings, no never-send canary and no raw value of a hash field appears anywhere in the
// output (object API, sanitizeJson, and the report), and hash fields hold only digests.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'

import { createSanitizer, sanitizeAttributes } from '../../index.js'
import { sha256Hex } from '../helpers/sanitize-reference.mjs'
import { HASH_KEYS, NEVER_SEND_KEYS, leaksIn, nestedAttributes } from '../helpers/sanitize-canaries.mjs'

const SEED = 424242
const RUNS = 1500
const sanitizer = createSanitizer()
const HEX16 = /^[0-9a-f]{16}$/

/** Every key of the output, at every depth: no rule-named key survives; `<hash key>_hash` holds digests only. */
function assertOnlyDigests(value, where = 'output') {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertOnlyDigests(item, `${where}[${i}]`)
    })
    return
  }
  if (value === null || typeof value !== 'object') return
  for (const [key, item] of Object.entries(value)) {
    assert.ok(!NEVER_SEND_KEYS.includes(key), `never-send key ${key} at ${where}`)
    // A null under a hash key stays as it is (it clears the attribute and holds no data).
    assert.ok(!HASH_KEYS.includes(key) || item === null, `unhashed key ${key} at ${where}`)
    const base = key.endsWith('_hash') ? key.slice(0, -'_hash'.length) : null
    if (base !== null && HASH_KEYS.includes(base)) {
      const digests = Array.isArray(item) ? item : [item]
      for (const digest of digests) {
        assert.ok(digest === null || HEX16.test(digest), `${where}.${key} holds a non-digest`)
      }
    } else {
      assertOnlyDigests(item, `${where}.${key}`)
    }
  }
}

test('object API: no never-send or raw hash-field canary anywhere in random nested output', () => {
  fc.assert(
    fc.property(nestedAttributes, (input) => {
      const output = sanitizeAttributes(input)
      assert.deepEqual(leaksIn(JSON.stringify(output)), [])
      assertOnlyDigests(output)
    }),
    { seed: SEED, numRuns: RUNS },
  )
})

test('sanitizeJson: no canary anywhere in the output text, and it parses to the object API result', () => {
  fc.assert(
    fc.property(nestedAttributes, (input) => {
      const json = sanitizer.sanitizeJson(JSON.stringify(input))
      assert.deepEqual(leaksIn(json), [])
      assertOnlyDigests(JSON.parse(json))
      assert.deepEqual(JSON.parse(json), sanitizer.sanitize(input))
    }),
    { seed: SEED + 1, numRuns: RUNS },
  )
})

test('Buffer in, Buffer out: no canary in the bytes either', () => {
  fc.assert(
    fc.property(nestedAttributes, (input) => {
      const out = sanitizer.sanitizeJson(Buffer.from(JSON.stringify(input)))
      assert.ok(Buffer.isBuffer(out))
      assert.deepEqual(leaksIn(out.toString('utf8')), [])
    }),
    { seed: SEED + 2, numRuns: 300 },
  )
})

test('reports list paths and rules, never a canary', () => {
  fc.assert(
    fc.property(nestedAttributes, (input) => {
      const { attributes, report } = sanitizer.sanitizeWithReport(input)
      assert.deepEqual(leaksIn(JSON.stringify(attributes)), [])
      assert.deepEqual(leaksIn(JSON.stringify(report)), [])
      const fromJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(input))
      assert.deepEqual(leaksIn(JSON.stringify(fromJson.report)), [])
    }),
    { seed: SEED + 3, numRuns: 500 },
  )
})

// --- The named cases, written out ----------------------------------------------------

test('non-string values under hash keys are hashed from their text or dropped, never passed through', () => {
  const input = {
    phone: 15550123,
    phone_number: ['+15550100', 16505551212, null, { raw: '+15550199' }, ['+15550177']],
    address: { street: '1 Main St', city: 'Springfield' },
    ip: true,
  }
  const expected = {
    phone_hash: sha256Hex('15550123', 16),
    // Each element by itself; containers inside are not scalars and are dropped.
    phone_number_hash: [sha256Hex('+15550100', 16), sha256Hex('16505551212', 16), null],
    ip_hash: sha256Hex('true', 16),
  }
  assert.deepEqual(sanitizer.sanitize(input), expected)
  assert.deepEqual(JSON.parse(sanitizer.sanitizeJson(JSON.stringify(input))), expected)
  const text = JSON.stringify(sanitizer.sanitize(input))
  for (const raw of ['15550123', '+15550100', '16505551212', '+15550199', '+15550177', 'Main St']) {
    assert.ok(!text.includes(raw), raw)
  }
})

test('null under a hash key: the same output from sanitize() and sanitizeJson()', () => {
  const input = { Address: null, phone: [null] }
  // null holds no data; what matters here is that both entry points agree on the key.
  assert.deepEqual(JSON.parse(sanitizer.sanitizeJson(JSON.stringify(input))), sanitizer.sanitize(input))
})

test('billing.card_number and contacts[0].phone: rules apply at every depth', () => {
  const input = {
    billing: { card_number: '4111111111111111', plan: 'pro' },
    contacts: [{ phone: '+15550100', name: 'Jo' }, { Phone_Number: '+15550101' }],
  }
  const { attributes, report } = sanitizer.sanitizeWithReport(input)
  assert.deepEqual(attributes, {
    billing: { plan: 'pro' },
    contacts: [
      { phone_hash: sha256Hex('+15550100', 16), name: 'Jo' },
      { Phone_Number_hash: sha256Hex('+15550101', 16) },
    ],
  })
  assert.deepEqual(report.changes, [
    { path: 'billing.card_number', action: 'dropped', rule: 'payment_card' },
    { path: 'contacts[0].phone', action: 'hashed', rule: 'phone' },
    { path: 'contacts[1].Phone_Number', action: 'hashed', rule: 'phone' },
  ])
  const fromJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(input))
  assert.deepEqual(JSON.parse(fromJson.json), attributes)
  assert.deepEqual(fromJson.report.changes, report.changes)
})

test('the variants the reference leaks are caught by the default policy', () => {
  const input = {
    phoneNumber: 'P1',
    'Phone-Number': 'P2',
    'phone number': 'P3',
    home_phone: 'P4',
    clientIp: 'P5',
    creditCard: 'NVRSEND1',
    cardNumber: 'NVRSEND2',
    SSN: 'NVRSEND3',
    social_security: 'NVRSEND4',
    billing_card_number: 'NVRSEND5',
    userSSN: 'NVRSEND6',
  }
  assert.deepEqual(sanitizeAttributes(input), {
    phoneNumber_hash: sha256Hex('P1', 16),
    'Phone-Number_hash': sha256Hex('P2', 16),
    'phone number_hash': sha256Hex('P3', 16),
    home_phone_hash: sha256Hex('P4', 16),
    clientIp_hash: sha256Hex('P5', 16),
  })
})

test('customerio preset: a kept field that holds an object does not carry never-send values out', () => {
  const preset = createSanitizer({ preset: 'customerio' })
  const input = { id: 'u1', email: { password: 'NVRSEND-1', ssn: 'NVRSEND-2', address: 'HASHRAW-1' } }
  assert.deepEqual(leaksIn(JSON.stringify(preset.sanitize(input))), [])
  assert.deepEqual(leaksIn(preset.sanitizeJson(JSON.stringify(input))), [])
})
