// One named test per policy feature. Every case goes through both sanitize() and sanitizeJson()
// (helpers/sanitize-both.mjs) and digests are checked against node:crypto, which we did not write.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'

import { createSanitizer, CustomerioSecurityError, CustomerioSecurityTypeError } from '../../index.js'
import { sha256Hex } from '../helpers/sanitize-reference.mjs'
import { assertCoded, both } from '../helpers/sanitize-both.mjs'

const PEPPER_KEY = 'pepper-canary-7f3a9c'
const PEPPER = { key: PEPPER_KEY, keyId: 'k2024' }
const hmacHex = (key, text) => createHmac('sha256', key).update(text, 'utf8').digest('hex')
const change = (path, action, rule) => ({ path, action, rule })

// --- Field actions ---------------------------------------------------------------------------

test('drop: a custom field is removed and reported', () => {
  const { attributes, report } = both(createSanitizer({ fields: { nickname: 'drop' } }), {
    nickname: 'Bobby',
    plan: 'pro',
  })
  assert.deepEqual(attributes, { plan: 'pro' })
  assert.deepEqual(report.changes, [change('nickname', 'dropped', 'nickname')])
})

test('keep: a default rule overridden, the raw value passes without detectors', () => {
  const { attributes, report } = both(createSanitizer({ fields: { phone: 'keep', order_ref: 'keep' } }), {
    phone: '+15550100',
    order_ref: '4111 1111 1111 1111',
  })
  assert.deepEqual(attributes, { phone: '+15550100', order_ref: '4111 1111 1111 1111' })
  assert.deepEqual(report.changes, [])
})

test('hash: 16 hex chars by default, node:crypto SHA-256', () => {
  const { attributes, report } = both(createSanitizer({ fields: { loyalty_id: 'hash' } }), { loyalty_id: 'L-123' })
  assert.deepEqual(attributes, { loyalty_id_hash: sha256Hex('L-123', 16) })
  assert.deepEqual(report.changes, [change('loyalty_id', 'hashed', 'loyalty_id')])
})

test('hash: length 64 is the full node:crypto SHA-256', () => {
  const sanitizer = createSanitizer({ fields: { loyalty_id: { action: 'hash', length: 64 } } })
  const { attributes } = both(sanitizer, { loyalty_id: 'L-123', phone: '+15550100' })
  assert.deepEqual(attributes, { loyalty_id_hash: sha256Hex('L-123'), phone_hash: sha256Hex('+15550100', 16) })
  assert.equal(attributes.loyalty_id_hash.length, 64)
})

test("pseudonym: { algorithm: 'sha256', length: 64 } changes the built-in personal fields", () => {
  const sanitizer = createSanitizer({ pseudonym: { algorithm: 'sha256', length: 64 } })
  assert.deepEqual(both(sanitizer, { phone: '+15550100' }).attributes, { phone_hash: sha256Hex('+15550100') })
})

test('hmac: <keyId>:<HMAC-SHA256 hex> under the pepper, checked against node:crypto createHmac', () => {
  const sanitizer = createSanitizer({ fields: { email: 'hmac' }, pepper: PEPPER })
  const { attributes, report } = both(sanitizer, { email: 'jane@example.com' })
  assert.deepEqual(attributes, { email_hash: `k2024:${hmacHex(PEPPER_KEY, 'jane@example.com')}` })
  assert.deepEqual(report.changes, [change('email', 'hashed', 'email')])
})

test('hmac: a length cuts the hex, a Buffer key works the same as its string', () => {
  const sanitizer = createSanitizer({
    fields: { email: { action: 'hmac', length: 32 } },
    pepper: { key: Buffer.from(PEPPER_KEY), keyId: 'k2024' },
  })
  assert.deepEqual(both(sanitizer, { email: 'jane@example.com' }).attributes, {
    email_hash: `k2024:${hmacHex(PEPPER_KEY, 'jane@example.com').slice(0, 32)}`,
  })
})

test("pseudonym: 'hmac' makes every built-in personal field an HMAC", () => {
  const sanitizer = createSanitizer({ pseudonym: 'hmac', pepper: PEPPER })
  assert.deepEqual(both(sanitizer, { phone: '+15550100', ip: '203.0.113.7' }).attributes, {
    phone_hash: `k2024:${hmacHex(PEPPER_KEY, '+15550100')}`,
    ip_hash: `k2024:${hmacHex(PEPPER_KEY, '203.0.113.7')}`,
  })
})

test('hmac without a pepper: ERR_INVALID_POLICY when the sanitizer is created', () => {
  assertCoded(() => createSanitizer({ fields: { email: 'hmac' } }), 'ERR_INVALID_POLICY', {
    Class: CustomerioSecurityTypeError,
    mentions: ['pepper'],
  })
  assertCoded(() => createSanitizer({ pseudonym: 'hmac' }), 'ERR_INVALID_POLICY', { mentions: ['pepper'] })
})

test('pepper rotation: a new key id prefixes a different digest; the old one is still reproducible', () => {
  const old = createSanitizer({ fields: { email: 'hmac' }, pepper: PEPPER })
  const rotated = createSanitizer({ fields: { email: 'hmac' }, pepper: { key: 'pepper-canary-next', keyId: 'k2025' } })
  const a = both(old, { email: 'jane@example.com' }).attributes.email_hash
  const b = both(rotated, { email: 'jane@example.com' }).attributes.email_hash
  assert.ok(a.startsWith('k2024:'))
  assert.equal(b, `k2025:${hmacHex('pepper-canary-next', 'jane@example.com')}`)
  assert.notEqual(a.slice(6), b.slice(6))
})

test('mask: stars all but the last 4 by default, keepLast changes it', () => {
  const sanitizer = createSanitizer({
    fields: {
      card_last4: 'mask',
      account_ref: { action: 'mask', keepLast: 2 },
      pin_hint: { action: 'mask', keepLast: 0 },
    },
  })
  const { attributes, report } = both(sanitizer, {
    card_last4: '4111111111111111',
    account_ref: 'AB-9876',
    pin_hint: 'abc',
  })
  assert.deepEqual(attributes, { card_last4: '************1111', account_ref: '*****76', pin_hint: '***' })
  assert.deepEqual(report.changes, [
    change('card_last4', 'masked', 'card_last4'),
    change('account_ref', 'masked', 'account_ref'),
    change('pin_hint', 'masked', 'pin_hint'),
  ])
})

test('custom fields: added names match in any spelling', () => {
  const sanitizer = createSanitizer({ fields: { date_of_birth: 'drop' } })
  const { attributes } = both(sanitizer, {
    dateOfBirth: '1990-01-01',
    'Date-Of-Birth': 'x',
    DATE_OF_BIRTH: 'y',
    plan: 'pro',
  })
  assert.deepEqual(attributes, { plan: 'pro' })
})

test('remove: a default rule taken away lets the field pass raw', () => {
  const sanitizer = createSanitizer({ remove: ['ip_address'] })
  const { attributes, report } = both(sanitizer, { ip_address: '203.0.113.7', phone: '+15550100' })
  assert.deepEqual(attributes, { ip_address: '203.0.113.7', phone_hash: sha256Hex('+15550100', 16) })
  assert.deepEqual(report.changes, [change('phone', 'hashed', 'phone')])
})

test('remove: the field it frees is still scanned by the detectors (as index.d.ts says)', () => {
  const { attributes } = both(createSanitizer({ remove: ['phone'] }), { phone: 'card 4111 1111 1111 1111' })
  assert.deepEqual(attributes, { phone: 'card [REDACTED:card_number]' })
})

test('allow-list: only listed fields and fields with a rule pass; the rest are reported not_allowed', () => {
  const sanitizer = createSanitizer({ allow: ['email', 'plan'] })
  const { attributes, report } = both(sanitizer, {
    email: 'jane@example.com',
    nickname: 'Bobby',
    phone: '+15550100',
    ssn: '123-45-6789',
    plan: 'pro',
    prefs: { plan: 'x', color: 'blue' },
  })
  assert.deepEqual(attributes, { email: 'jane@example.com', phone_hash: sha256Hex('+15550100', 16), plan: 'pro' })
  assert.deepEqual(report.changes, [
    change('nickname', 'dropped', 'not_allowed'),
    change('phone', 'hashed', 'phone'),
    change('ssn', 'dropped', 'government_id'),
    change('prefs', 'dropped', 'not_allowed'),
  ])
})

// --- The Customer.io preset ------------------------------------------------------------------

test('customerio preset: id, email, cio_id, created_at stay raw even when they look like PII', () => {
  const sanitizer = createSanitizer({ preset: 'customerio' })
  const input = {
    id: '123-45-6789',
    email: 'DE89 3704 0044 0532 0130 00',
    cio_id: '4111 1111 1111 1111',
    created_at: 378282246310005,
    note: '123-45-6789',
    phone: '+15550100',
  }
  const { attributes } = both(sanitizer, input)
  assert.deepEqual(attributes, {
    id: '123-45-6789',
    email: 'DE89 3704 0044 0532 0130 00',
    cio_id: '4111 1111 1111 1111',
    created_at: 378282246310005,
    // Not a kept field: the detectors still run, and phone is still hashed without sms.
    note: '[REDACTED:us_ssn]',
    phone_hash: sha256Hex('+15550100', 16),
  })
})

test('customerio preset with sms: valid E.164 phones kept raw, anything else dropped', () => {
  const sanitizer = createSanitizer({ preset: 'customerio', sms: true })
  const valid = both(sanitizer, { phone: '+15550123456' })
  assert.deepEqual(valid.attributes, { phone: '+15550123456' })
  assert.deepEqual(valid.report.changes, [change('phone', 'validated', 'phone')])
  for (const bad of ['555-0123', '+1 555 0123 456', '+0123456789', '15550123456', '+1555012345678901', '']) {
    const invalid = both(sanitizer, { phone: bad, id: 'u1' })
    assert.deepEqual(invalid.attributes, { id: 'u1' }, JSON.stringify(bad))
    assert.deepEqual(invalid.report.changes, [change('phone', 'dropped', 'invalid_e164')])
  }
})

test('sms outside the customerio preset is an invalid policy', () => {
  assertCoded(() => createSanitizer({ sms: true }), 'ERR_INVALID_POLICY', { mentions: ['sms'] })
})

// --- Value detectors -------------------------------------------------------------------------

test('detectors are on by default: card, dashed SSN and IBAN redacted inside any string', () => {
  const sanitizer = createSanitizer()
  const { attributes, report } = both(sanitizer, {
    note: 'paid with 4111 1111 1111 1111, thanks',
    ssn_note: 'mine is 123-45-6789.',
    bank: 'IBAN DE89 3704 0044 0532 0130 00',
    plain: 'order 12345 on 2024-01-02',
  })
  assert.deepEqual(attributes, {
    note: 'paid with [REDACTED:card_number], thanks',
    ssn_note: 'mine is [REDACTED:us_ssn].',
    bank: 'IBAN [REDACTED:iban]',
    plain: 'order 12345 on 2024-01-02',
  })
  assert.deepEqual(report.changes, [
    change('note', 'redacted', 'detector:card_number'),
    change('ssn_note', 'redacted', 'detector:us_ssn'),
    change('bank', 'redacted', 'detector:iban'),
  ])
})

test("detectors: 'drop' removes the whole field, others still redact", () => {
  const sanitizer = createSanitizer({ detectors: { cardNumber: 'drop' } })
  const { attributes, report } = both(sanitizer, { note: 'card 4111 1111 1111 1111', other: 'ssn 123-45-6789' })
  assert.deepEqual(attributes, { other: 'ssn [REDACTED:us_ssn]' })
  assert.deepEqual(report.changes, [
    change('note', 'dropped', 'detector:card_number'),
    change('other', 'redacted', 'detector:us_ssn'),
  ])
})

test("detectors: 'off' turns one detector off", () => {
  const sanitizer = createSanitizer({ detectors: { usSsn: 'off' } })
  const { attributes } = both(sanitizer, { a: 'ssn 123-45-6789', b: 'DE89 3704 0044 0532 0130 00' })
  assert.deepEqual(attributes, { a: 'ssn 123-45-6789', b: '[REDACTED:iban]' })
})

test('detectors: false turns them all off', () => {
  const input = { a: '4111 1111 1111 1111', b: '123-45-6789', c: 'DE89 3704 0044 0532 0130 00', n: 378282246310005 }
  const { attributes, report } = both(createSanitizer({ detectors: false }), input)
  assert.deepEqual(attributes, input)
  assert.deepEqual(report.changes, [])
})

// --- Ad-match normalizers --------------------------------------------------------------------

test('email-match: trimmed, lowercased, full SHA-256 (node:crypto)', () => {
  const sanitizer = createSanitizer({ fields: { email: 'email-match' } })
  const { attributes, report } = both(sanitizer, { email: '  John.Doe@Example.COM ' })
  assert.deepEqual(attributes, { email_hash: sha256Hex('john.doe@example.com') })
  assert.deepEqual(report.changes, [change('email', 'hashed', 'email')])
})

test("phone-match-meta: Meta's published vector for 16505551212", () => {
  const sanitizer = createSanitizer({ fields: { phone: 'phone-match-meta' } })
  const { attributes } = both(sanitizer, { phone: '+1 (650) 555-1212' })
  // Meta Conversions API docs (docs/design/pseudonyms.md): SHA-256 of "16505551212".
  assert.deepEqual(attributes, { phone_hash: 'e323ec626319ca94ee8bff2e4c87cf613be6ea19919ed1364124e16807ab3176' })
  assert.equal(attributes.phone_hash, sha256Hex('16505551212'))
})

test('phone-match-google: SHA-256 of +E.164 (node:crypto)', () => {
  const sanitizer = createSanitizer({ fields: { phone: 'phone-match-google' } })
  assert.deepEqual(both(sanitizer, { phone: '+1 (650) 555-1212' }).attributes, {
    phone_hash: sha256Hex('+16505551212'),
  })
})

test('phone match keys: defaultCountryCode for national numbers; no country code drops it', () => {
  const withCountry = createSanitizer({ fields: { phone: 'phone-match-google' }, defaultCountryCode: '1' })
  assert.deepEqual(both(withCountry, { phone: '(650) 555-1212' }).attributes, { phone_hash: sha256Hex('+16505551212') })
  const without = createSanitizer({ fields: { phone: 'phone-match-meta' } })
  const { attributes, report } = both(without, { phone: '(650) 555-1212' })
  assert.deepEqual(attributes, {})
  assert.deepEqual(report.changes, [change('phone', 'dropped', 'invalid_phone')])
})

// --- Customer.io limits ----------------------------------------------------------------------

test('limits: a name over 150 bytes is reported (bytes, not characters)', () => {
  const sanitizer = createSanitizer()
  const long = 'a'.repeat(151)
  const wide = 'é'.repeat(76) // 76 characters, 152 UTF-8 bytes
  const fine = 'a'.repeat(150)
  const { report } = both(sanitizer, { [long]: 1, [wide]: 2, [fine]: 3 })
  assert.deepEqual(report.changes, [
    change(long, 'limit', 'attribute_name_too_long'),
    change(wide, 'limit', 'attribute_name_too_long'),
  ])
})

test('limits: a value over 1000 bytes is reported (bytes, not characters)', () => {
  const { attributes, report } = both(createSanitizer(), {
    long: 'x'.repeat(1001),
    wide: 'é'.repeat(501),
    fine: 'x'.repeat(1000),
  })
  assert.equal(attributes.long.length, 1001, 'reported, still sent')
  assert.deepEqual(report.changes, [
    change('long', 'limit', 'attribute_value_too_long'),
    change('wide', 'limit', 'attribute_value_too_long'),
  ])
})

test('limits: a value is measured the same way by both entry points (escaped characters)', () => {
  both(createSanitizer(), { quoted: '"'.repeat(600), lines: '\n'.repeat(600) })
})

test('limits: an object or array value is measured whole by both entry points', () => {
  const { report } = both(createSanitizer(), { a: { b: 'x'.repeat(1200), c: 1 }, l: ['y'.repeat(1200), 1] })
  assert.deepEqual(report.changes, [
    change('a', 'limit', 'attribute_value_too_long'),
    change('l', 'limit', 'attribute_value_too_long'),
  ])
  const strict = createSanitizer({ limits: 'error' })
  assertCoded(() => strict.sanitizeJson(JSON.stringify({ a: { b: 'x'.repeat(1200), c: 1 } })), 'ERR_LIMIT_EXCEEDED')
})

test('limits: more than 300 attributes reported once, at the 301st', () => {
  const input = {}
  for (let i = 0; i < 302; i++) input[`k${i}`] = i
  const { report } = both(createSanitizer(), input)
  assert.deepEqual(report.changes, [change('k300', 'limit', 'too_many_attributes')])
  const exactly300 = {}
  for (let i = 0; i < 300; i++) exactly300[`k${i}`] = i
  assert.deepEqual(both(createSanitizer(), exactly300).report.changes, [])
})

test('limits: dropped fields do not count toward the 300', () => {
  const input = {}
  for (let i = 0; i < 300; i++) input[`k${i}`] = i
  input.ssn = '123-45-6789'
  input.password = 'x'
  assert.deepEqual(both(createSanitizer(), input).report.changes, [
    change('ssn', 'dropped', 'government_id'),
    change('password', 'dropped', 'credential'),
  ])
})

test("limits: 'error' throws ERR_LIMIT_EXCEEDED from both entry points, nothing returned", () => {
  const sanitizer = createSanitizer({ limits: 'error' })
  const many = {}
  for (let i = 0; i < 301; i++) many[`k${i}`] = i
  for (const input of [{ ['n'.repeat(151)]: 1 }, { v: 'x'.repeat(1001) }, many]) {
    assertCoded(() => sanitizer.sanitize(input), 'ERR_LIMIT_EXCEEDED', { Class: CustomerioSecurityError })
    assertCoded(() => sanitizer.sanitizeJson(JSON.stringify(input)), 'ERR_LIMIT_EXCEEDED', {
      Class: CustomerioSecurityError,
    })
  }
})

test("limits: 'off' reports nothing", () => {
  const sanitizer = createSanitizer({ limits: 'off' })
  const input = { ['n'.repeat(151)]: 1, v: 'x'.repeat(1001) }
  for (let i = 0; i < 301; i++) input[`k${i}`] = i
  assert.deepEqual(both(sanitizer, input).report.changes, [])
})

test('limits apply to top-level attributes only', () => {
  const { report } = both(createSanitizer(), { profile: { ['n'.repeat(151)]: 'x'.repeat(10) } })
  assert.deepEqual(report.changes, [])
})

// --- Invalid policies ------------------------------------------------------------------------

const INVALID_POLICIES = [
  ['an unknown option', { colour: 'red' }, 'colour'],
  ['an unknown preset', { preset: 'segment' }, 'preset'],
  ['an unknown field action', { fields: { nickname: 'explode' } }, 'fields.nickname'],
  ['a hash length out of range', { fields: { x: { action: 'hash', length: 4 } } }, 'length'],
  ['a mask keepLast out of range', { fields: { x: { action: 'mask', keepLast: -1 } } }, 'keepLast'],
  ['an unknown detector', { detectors: { creditCard: 'drop' } }, 'creditCard'],
  ['an unknown detector action', { detectors: { iban: 'hide' } }, 'detectors.iban'],
  ['limits not a mode', { limits: 'sometimes' }, 'limits'],
  ['maxDepth 0', { maxDepth: 0 }, 'maxDepth'],
  ['maxDepth over 512', { maxDepth: 513 }, 'maxDepth'],
  ['a bad defaultCountryCode', { defaultCountryCode: '0044' }, 'defaultCountryCode'],
  ['allow not a list', { allow: 'email' }, 'allow'],
  ['remove not a list', { remove: [1] }, 'remove'],
  ['a bad pseudonym', { pseudonym: 'md5' }, 'pseudonym'],
  ['fields not an object', { fields: ['phone'] }, 'fields'],
]

for (const [what, policy, option] of INVALID_POLICIES) {
  test(`invalid policy, ${what}: ERR_INVALID_POLICY naming ${option}, never the pepper`, () => {
    assertCoded(() => createSanitizer({ ...policy, pepper: PEPPER }), 'ERR_INVALID_POLICY', {
      Class: CustomerioSecurityTypeError,
      mentions: [option],
      secrets: [PEPPER_KEY],
    })
  })
}

test('invalid policy: not an object', () => {
  for (const policy of [null, 'default', ['phone'], 42]) {
    assertCoded(() => createSanitizer(policy), 'ERR_INVALID_POLICY', { Class: CustomerioSecurityTypeError })
  }
})

test('invalid pepper: the key never appears in the error', () => {
  const cases = [
    [{ key: PEPPER_KEY, keyId: 'has spaces' }, 'ERR_INVALID_POLICY'],
    [{ key: PEPPER_KEY, keyId: 'k:1' }, 'ERR_INVALID_POLICY'],
    [{ key: PEPPER_KEY, keyId: 'x'.repeat(33) }, 'ERR_INVALID_POLICY'],
    [{ key: PEPPER_KEY }, 'ERR_INVALID_PEPPER'],
    [{ key: '', keyId: 'k1' }, 'ERR_INVALID_PEPPER'],
    [PEPPER_KEY, 'ERR_INVALID_PEPPER'],
  ]
  for (const [pepper, code] of cases) {
    assertCoded(() => createSanitizer({ fields: { email: 'hmac' }, pepper }), code, {
      Class: CustomerioSecurityTypeError,
      secrets: [PEPPER_KEY],
    })
  }
})

// --- The report ------------------------------------------------------------------------------

test('the report: path, action and rule for every change, never a value', () => {
  const sanitizer = createSanitizer({ fields: { card_last4: 'mask' } })
  const input = {
    email: 'CANARY-keep@example.com',
    billing: { card_number: 'CANARY-card', card_last4: 'CANARY-1234', note: 'CANARY 4111 1111 1111 1111' },
    contacts: [{ phone: 'CANARY-phone' }, { name: 'CANARY-name', ssn: 'CANARY-ssn' }],
    ip: ['CANARY-ip-1', { nested: 'CANARY-ip-2' }],
  }
  const { report } = both(sanitizer, input)
  assert.deepEqual(report.changes, [
    change('billing.card_number', 'dropped', 'payment_card'),
    change('billing.card_last4', 'masked', 'card_last4'),
    change('billing.note', 'redacted', 'detector:card_number'),
    change('contacts[0].phone', 'hashed', 'phone'),
    change('contacts[1].ssn', 'dropped', 'government_id'),
    change('ip[0]', 'hashed', 'ip_address'),
    change('ip[1]', 'dropped', 'not_a_scalar'),
  ])
  assert.ok(!JSON.stringify(report).includes('CANARY'))
  for (const entry of report.changes) assert.deepEqual(Object.keys(entry).sort(), ['action', 'path', 'rule'])
})
