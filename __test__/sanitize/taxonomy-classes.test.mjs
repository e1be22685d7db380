// The classes of the default policy on the names reviewers found leaking, on both entry points
// (sanitizeWithReport and sanitizeJsonWithReport, via both()), plus what policies do with classes.
import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { both } from '../helpers/sanitize-both.mjs'

const require = createRequire(import.meta.url)
const { createSanitizer, sanitizeAttributes } = require('../../index.js')

const VALUE = 'value-x'
const sanitizer = createSanitizer({ limits: 'off' })

function fateOf(name, s = sanitizer) {
  const { attributes, report } = both(s, { [name]: VALUE })
  if (Object.keys(attributes).length === 0) return ['dropped', report.changes[0]?.rule]
  if (`${name}_hash` in attributes) return ['hashed', report.changes[0]?.rule]
  assert.equal(attributes[name], VALUE, name)
  return ['kept', null]
}

const LEAKED = {
  credential: [
    'password_confirmation',
    'passwordConfirm',
    'password2',
    'pwd',
    'passwd',
    'new_password',
    'old_password',
    'current_password',
    'password_repeat',
    'encrypted_password',
    'password_digest',
    'reset_password_token',
    'passcode',
    'passphrase',
    'pin',
    'card_pin',
    'otp',
    'mfa_code',
    '2fa_code',
    'one-time-code',
    'recovery_codes',
    'security_answer',
    'api_key',
    'apiKey',
    'access_token',
    'refreshToken',
    'auth_token',
    'session_token',
    'client_secret',
    'private_key',
    'USERPASSWORD',
    'pass\u200Bword',
  ],
  payment_card: [
    'cvv2',
    'cvc2',
    'cid',
    'csc',
    'security_code',
    'card_verification_value',
    'creditcardnumber',
    'cc-number',
    'cardNumber',
    'pan',
  ],
  government_id: [
    'ssn_last4',
    'ssnLast4',
    'CUSTOMERSSN',
    '\uFF33\uFF33\uFF2E',
    'social_security_number',
    'national_id',
    'tax_id',
    'passport_number',
    'drivers_license_number',
    'sin',
  ],
  bank_account: ['iban', 'routing_number', 'account_number', 'sort_code', 'bank_account_number', 'bsb'],
  phone: [
    'mobile',
    'telephone',
    'tel',
    'phones',
    'phoneNumbers',
    'home_phone',
    'work_phone',
    'cell',
    'fax',
    'mobile_number',
  ],
  ip_address: [
    'ip',
    'ip_addr',
    'ipAddress',
    'ipv4',
    'ipv6',
    'last_sign_in_ip',
    'client_ip',
    'remote_addr',
    'x_forwarded_for',
  ],
  street_address: [
    'address',
    'address_line1',
    'addressLine2',
    'address1',
    'street',
    'street_address',
    'line1',
    'billing_address',
  ],
}

const KEPT = [
  'card_last4',
  'card_brand',
  'card_exp_month',
  'phone_verified',
  'password_updated_at',
  'ip_country',
  'mobile_app_version',
  'sms_opt_in',
  'passenger_count',
  'email',
  'email_address',
  'first_name',
  'plan',
  'created_at',
  'cio_id',
  'id',
  'zip',
  'postal_code',
  'city',
  'country',
  'has_password',
  'device_token',
  'push_token',
  'next_page_token',
  'total_tokens',
  'phone_hash',
  'cvc_check',
  'address_country',
  'passport_expiry',
  'mac_address',
  'publishable_key',
  'company',
  'lifetime_value',
]

for (const [cls, names] of Object.entries(LEAKED)) {
  const action = ['phone', 'ip_address', 'street_address'].includes(cls) ? 'hashed' : 'dropped'
  test(`${cls}: ${action} on both paths and reported as ${cls}`, () => {
    for (const name of names) assert.deepEqual(fateOf(name), [action, cls], name)
  })
}

test('segmentation attributes pass raw on both paths', () => {
  for (const name of KEPT) assert.deepEqual(fateOf(name), ['kept', null], name)
})

test('look-alike spellings: fullwidth, Cyrillic and Greek letters, accents, invisible characters', () => {
  // Cyrillic р а о, Greek ο, a soft hyphen, mathematical bold.
  for (const name of ['\u0440\u0430ssw\u043Erd', 'passw\u03BFrd', 'pass\u00ADword', '\u{1D42C}\u{1D42C}\u{1D427}']) {
    assert.equal(fateOf(name)[0], 'dropped', JSON.stringify(name))
  }
  assert.equal(fateOf('t\u00E9l\u00E9phone')[0], 'hashed')
})

test('classes apply at any depth and to arrays of values', () => {
  const input = {
    profile: { contact: { phones: ['+15550100', '+15550101'], password2: 'x' } },
    list: [{ ip_addr: '203.0.113.7' }],
  }
  const { attributes } = both(sanitizer, input)
  assert.equal(attributes.profile.contact.phones, undefined)
  assert.equal(attributes.profile.contact.phones_hash.length, 2)
  assert.equal(attributes.profile.contact.password2, undefined)
  assert.ok('ip_addr_hash' in attributes.list[0])
})

test('sanitizing the output again changes nothing (hashes are not hashed twice)', () => {
  const once = sanitizeAttributes({ phone: '+15550100', ip: '203.0.113.7', address: '1 Main St', plan: 'pro' })
  assert.deepEqual(sanitizeAttributes(once), once)
})

test('fields: a class id sets the action of the whole class; another name only that name', () => {
  const s = createSanitizer({ fields: { phone: 'drop', mobile_app: 'drop' }, limits: 'off' })
  assert.deepEqual(fateOf('mobile', s), ['dropped', 'phone'])
  assert.deepEqual(fateOf('home_phone', s), ['dropped', 'phone'])
  const keep = createSanitizer({ fields: { tel: 'keep' }, limits: 'off' })
  assert.deepEqual(fateOf('tel', keep), ['kept', null])
  assert.deepEqual(fateOf('telephone', keep), ['hashed', 'phone'])
})

test('remove: a class id removes the class; another name frees only that name', () => {
  const s = createSanitizer({ remove: ['street_address', 'ssn'], limits: 'off' })
  assert.deepEqual(fateOf('address_line1', s), ['kept', null])
  assert.deepEqual(fateOf('SSN', s), ['kept', null])
  assert.deepEqual(fateOf('user_ssn', s), ['dropped', 'government_id'])
})

test('pseudonym hmac applies to every hash class', () => {
  const s = createSanitizer({ pseudonym: 'hmac', pepper: { key: 'k'.repeat(32), keyId: 'k1' }, limits: 'off' })
  for (const name of ['mobile', 'ipv4', 'address_line1']) {
    const { attributes } = both(s, { [name]: 'x' })
    assert.match(attributes[`${name}_hash`], /^k1:[0-9a-f]+$/, name)
  }
})

test('allow-list: allowed names pass the name rules, not the detectors; keep skips both', () => {
  const s = createSanitizer({ allow: ['note', 'plan'], fields: { ref: 'keep' }, limits: 'off' })
  const { attributes, report } = both(s, {
    note: 'card 4111 1111 1111 1111',
    plan: 'pro',
    ref: '4111 1111 1111 1111',
    other: 'x',
  })
  assert.deepEqual(attributes, { note: 'card [REDACTED:card_number]', plan: 'pro', ref: '4111 1111 1111 1111' })
  assert.ok(report.changes.some((c) => c.path === 'other' && c.rule === 'not_allowed'))
  assert.ok(report.changes.some((c) => c.path === 'note' && c.rule === 'detector:card_number'))
})

test('a 1 MiB name made of words is classified by its last words, on both paths', () => {
  const drop = `${'a_'.repeat(512 * 1024)}ssn`
  const keep = `${'a_'.repeat(512 * 1024)}xsn`
  for (const [name, expected] of [
    [drop, 0],
    [keep, 1],
  ]) {
    const { attributes } = both(sanitizer, { [name]: VALUE, plan: 'pro' })
    assert.equal(Object.keys(attributes).length, 1 + expected)
  }
})
