// Value detectors on text as it really arrives: Unicode digits and separators, encoding left-overs,
// lowercase IBANs, numbers in any spelling, and the secret detectors. Every case runs through both
// entry points (the JS object walk with its pre-filter, and the Rust JSON walk) with `both`, which
// insists they agree. Inputs come from published material where there is some: public test card
// numbers (Stripe, Braintree, Adyen), the IBAN registry's example of each country, RFC 7519's JWTs,
// AWS's documented example key id.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'

import { createSanitizer } from '../../index.js'
import { both } from '../helpers/sanitize-both.mjs'
import { grouped, luhnValid } from '../helpers/sanitize-shapes.mjs'

const sanitizer = createSanitizer()
const withText = createSanitizer({ detectors: { email: 'redact', phone: 'redact' } })

/** Runs `{ x: value }` through both paths; returns `{ x, rules }`: the output and the report's rules. */
function scan(value, s = sanitizer) {
  const { attributes, report } = both(s, { x: value })
  return { x: attributes.x, rules: report.changes.map((c) => `${c.action} ${c.rule}`) }
}

// Published test numbers: Stripe's, Braintree's and Adyen's documentation list them for testing.
const TEST_CARDS = [
  '4242424242424242',
  '4000056655665556',
  '5555555555554444',
  '2223003122003222',
  '5200828282828210',
  '5105105105105100',
  '378282246310005',
  '371449635398431',
  '6011111111111117',
  '6011000990139424',
  '3056930009020004',
  '36227206271667',
  '3566002020360505',
  '6200000000000005',
  '4111111111111111',
  '4005519200000004',
  '4009348888881881',
  '4012000033330026',
  '4012888888881881',
  '4217651111111119',
  '4500600000000061',
  '6243030000000001',
  '4917610000000000003',
  '5101180000000007',
  '6703444444444449',
  '4988438843884305',
  '4444333322221111',
]

/** The digits of `card` in another Unicode digit set, whose zero is `zero`. */
const inDigits = (card, zero) => [...card].map((d) => String.fromCodePoint(zero + Number(d))).join('')

const FORMS = {
  'no-break spaces': (c) => grouped(c, '\u00a0'),
  'narrow no-break spaces': (c) => grouped(c, '\u202f'),
  'ideographic spaces': (c) => grouped(c, '\u3000'),
  'thin spaces': (c) => grouped(c, '\u2009'),
  'en dashes': (c) => grouped(c, '\u2013'),
  'em dashes': (c) => grouped(c, '\u2014'),
  'non-breaking hyphens': (c) => grouped(c, '\u2011'),
  'minus signs': (c) => grouped(c, '\u2212'),
  dots: (c) => grouped(c, '.'),
  'form-encoded spaces': (c) => grouped(c, '+'),
  'URL-encoded spaces': (c) => grouped(c, '%20'),
  'fullwidth digits': (c) => inDigits(c, 0xff10),
  'fullwidth digits, spaced': (c) => grouped(inDigits(c, 0xff10), ' '),
  'Arabic-Indic digits': (c) => inDigits(c, 0x660),
  'Persian digits, dashed': (c) => grouped(inDigits(c, 0x6f0), '-'),
  'Devanagari digits': (c) => inDigits(c, 0x966),
  'mathematical bold digits': (c) => inDigits(c, 0x1d7ce),
}

test('the oracle agrees the published test cards are Luhn-valid', () => {
  for (const card of TEST_CARDS) assert.ok(luhnValid(card), card)
})

for (const [name, form] of Object.entries(FORMS)) {
  test(`cards written with ${name} are redacted on both paths`, () => {
    for (const card of TEST_CARDS) {
      const written = form(card)
      assert.deepEqual(
        scan(written),
        { x: '[REDACTED:card_number]', rules: ['redacted detector:card_number'] },
        written,
      )
      assert.deepEqual(scan(`paid with ${written}, thanks`).x, 'paid with [REDACTED:card_number], thanks', written)
    }
  })
}

test('what an encoding leaves before a card does not hide it', () => {
  for (const [prefix, kept] of [
    ['\\n', '\\n'], // two characters, as double-escaped JSON leaves them
    ['\\t', '\\t'],
    ['\\r\\n', '\\r\\n'],
    ['note\\n', 'note\\n'],
    ['%20', '%20'],
    ['card%3A%20', 'card%3A%20'],
    ['+', '+'],
    ['card=', 'card='],
    ['&nbsp;', '&nbsp;'],
    ['&#160;', '&#160;'],
    ['\\u00a0', '\\u00a0'],
    ['%u00A0', '%u00A0'],
  ]) {
    for (const card of ['4111111111111111', '4111 1111 1111 1111', '5555-5555-5555-4444']) {
      assert.deepEqual(scan(prefix + card).x, `${kept}[REDACTED:card_number]`, prefix + card)
      assert.deepEqual(scan(`${prefix}${card}\\n`).x, `${kept}[REDACTED:card_number]\\n`, prefix + card)
    }
  }
  // Real control characters were never a problem; they still are not.
  assert.equal(scan('\n4111111111111111\t').x, '\n[REDACTED:card_number]\t')
})

test('ids that merely contain a card or SSN shape are kept', () => {
  for (const id of [
    'x4111111111111111',
    '4111111111111111x',
    'ID123-45-6789',
    'cus_4111111111111111',
    'sku4111-1111-1111-1111',
    'n4111111111111111', // a bare letter, not an escape
    '%2G4111111111111111', // not a URL escape: G is not hex
    'abc4111111111111111',
  ]) {
    const expected = id.startsWith('cus_') ? 'cus_[REDACTED:card_number]' : id
    assert.equal(scan(id).x, expected, id)
  }
})

test('order numbers, dates, UUIDs, versions and amounts are kept', () => {
  for (const text of [
    'ORD-2024-000123',
    'order 2024-05-01-0001',
    '2024-05-01T12:34:56.789Z',
    '2024.05.01 12:34',
    '550e8400-e29b-41d4-a716-446655440000',
    'v12.3456.7890',
    '1234.5678.9012',
    '192.168.100.200',
    'Total: 1,234,567.89 EUR',
    'tracking 1Z999AA10123456784',
    '4111 1111 1111 1112',
    '4111.1111.1111.1112',
    '４１１１１１１１１１１１１１１２',
  ]) {
    assert.deepEqual(scan(text), { x: text, rules: [] }, text)
  }
})

test('SSNs with Unicode dashes or after an escape are redacted; ids are not', () => {
  for (const [text, out] of [
    ['123\u201345\u20136789', '[REDACTED:us_ssn]'],
    ['123\u00a045\u00a06789', '[REDACTED:us_ssn]'],
    ['\\n123-45-6789', '\\n[REDACTED:us_ssn]'],
    ['%20123-45-6789', '%20[REDACTED:us_ssn]'],
    ['ID123-45-6789', 'ID123-45-6789'],
    ['123-45-6789-01', '123-45-6789-01'.replace('123-45-6789', '[REDACTED:us_ssn]')],
  ]) {
    assert.equal(scan(text).x, out, text)
  }
})

// --- Numbers: judged by their exact value, in any spelling -----------------------------------

/** `{"n": <text>}` through sanitizeJson, with the report. */
function jsonNumber(text, s = sanitizer) {
  const { json, report } = s.sanitizeJsonWithReport(`{"n":${text},"k":1}`)
  return { json, rules: report.changes.map((c) => `${c.action} ${c.rule}`) }
}

test('a card written as a JSON number in exponent form or with a fraction is dropped', () => {
  for (const text of [
    '4111111111111111',
    '4.111111111111111E15', // what Jackson writes
    '4.111111111111111e15',
    '4.111111111111111e+15',
    '4111111111111111.0',
    '4111111111111111.00000000000000000001',
    '41111111111111110e-1',
    '0.4111111111111111E16',
    '-4111111111111111',
    '-4.111111111111111E15',
    '4.917610000000000003e18', // 19 digits, beyond f64: read exactly
    '4917610000000000003',
  ]) {
    assert.deepEqual(jsonNumber(text), { json: '{"k":1}', rules: ['dropped detector:card_number'] }, text)
    // JSON.parse turns each back into a number whose integer part is the card (or its f64
    // neighbour): the JS path judges that number the same way.
    const value = JSON.parse(text)
    if (Number.isSafeInteger(Math.trunc(value))) {
      assert.deepEqual(scan(value), { x: undefined, rules: ['dropped detector:card_number'] }, text)
    }
  }
  // A fraction after a card still shows the card: its integer part decides.
  assert.deepEqual(jsonNumber('4111111111111111.5').rules, ['dropped detector:card_number'])
  assert.deepEqual(scan(378282246310005.5).rules, ['dropped detector:card_number'])
})

test('numbers whose value is not a card are copied as written', () => {
  for (const text of [
    '4.111111111111112E15',
    '4111111111111112.0',
    '4.111111111111111E14',
    '4.111111111111111E20',
    '41111111111111110', // 17 digits, the card times ten
    '1E300',
    '1e-300',
    '0.0000000000000000004111111111111111',
    '1700000000000',
    '3.14',
  ]) {
    assert.deepEqual(jsonNumber(text), { json: `{"n":${text},"k":1}`, rules: [] }, text)
  }
})

test('JS numbers, BigInts and numeric strings are judged like JSON numbers', () => {
  assert.deepEqual(scan(4.111111111111111e15), { x: undefined, rules: ['dropped detector:card_number'] })
  assert.deepEqual(scan(378282246310005), { x: undefined, rules: ['dropped detector:card_number'] })
  assert.deepEqual(scan(378282246310006), { x: 378282246310006, rules: [] })
  // A BigInt goes out as its decimal text: a string, redacted like one.
  const big = sanitizer.sanitizeWithReport({ x: 4111111111111111n })
  assert.deepEqual(big.attributes, { x: '[REDACTED:card_number]' })
  // A number some code turned into a string.
  for (const text of [
    '4.111111111111111e15',
    '4.111111111111111E+15',
    '4111111111111111.0',
    '-4.111111111111111e15',
    '4.2e15',
  ]) {
    assert.deepEqual(scan(text), { x: '[REDACTED:card_number]', rules: ['redacted detector:card_number'] }, text)
  }
  for (const text of ['4.111111111111112e15', '1.7e15', '4.111111111111111e15 ', 'e15', '1e15x']) {
    assert.deepEqual(scan(text), { x: text, rules: [] }, text)
  }
  const dropping = createSanitizer({ detectors: { cardNumber: 'drop' } })
  assert.deepEqual(scan('4.111111111111111e15', dropping), { x: undefined, rules: ['dropped detector:card_number'] })
  // With cards off, numbers pass.
  const noCards = createSanitizer({ detectors: { cardNumber: 'off' } })
  assert.deepEqual(jsonNumber('4.111111111111111E15', noCards).rules, [])
  assert.deepEqual(scan('4.111111111111111e15', noCards).rules, [])
})

// --- IBANs: every registry country, any case ------------------------------------------------

const REGISTRY = readFileSync(new URL('../fixtures/iban-registry-examples.txt', import.meta.url), 'utf8')
  .split('\n')
  .filter((line) => line !== '' && !line.startsWith('#'))
  .map((line) => ({ iban: line.replace(/ \*$/, ''), inRegistry: !line.endsWith(' *') }))

test('every country example IBAN is redacted, compact and in groups of 4, on both paths', () => {
  assert.ok(REGISTRY.length > 90)
  for (const { iban } of REGISTRY) {
    for (const written of [iban, grouped(iban, ' '), grouped(iban, '\u00a0')]) {
      assert.deepEqual(
        scan(`IBAN ${written}.`),
        { x: 'IBAN [REDACTED:iban].', rules: ['redacted detector:iban'] },
        written,
      )
    }
  }
})

test('lowercase and mixed-case IBANs of registry countries are redacted; others are not', () => {
  for (const { iban, inRegistry } of REGISTRY) {
    const lower = iban.toLowerCase()
    const mixed = [...iban].map((c, i) => (i % 2 ? c : c.toLowerCase())).join('')
    for (const written of [lower, grouped(lower, ' '), mixed, grouped(mixed, ' ')]) {
      const { x, rules } = scan(written)
      if (inRegistry) {
        assert.deepEqual({ x, rules }, { x: '[REDACTED:iban]', rules: ['redacted detector:iban'] }, written)
      } else {
        // Not an IBAN; its digits may still be another detector's (a Luhn-valid run is a card).
        assert.ok(!rules.includes('redacted detector:iban'), written)
      }
    }
  }
  assert.equal(scan('gb82west12345698765432').x, '[REDACTED:iban]')
  // One character changed: mod-97 fails.
  assert.equal(scan('gb82west12345698765433').x, 'gb82west12345698765433')
})

// --- Secrets ----------------------------------------------------------------------------------

// RFC 7519 section 3.1 (line breaks removed) and section 6.1 (unsecured, empty signature).
const RFC7519_JWS =
  'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
const RFC7519_UNSECURED =
  'eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.'

test('JWTs from RFC 7519 are redacted on both paths', () => {
  for (const jwt of [RFC7519_JWS, RFC7519_UNSECURED]) {
    assert.deepEqual(scan(jwt), { x: '[REDACTED:jwt]', rules: ['redacted detector:jwt'] })
    assert.equal(
      scan(`https://app.example.com/cb?token=${jwt}&state=1`).x,
      'https://app.example.com/cb?token=[REDACTED:jwt]&state=1',
    )
  }
  // After `Bearer`, the token is redacted as a bearer token (the word stays).
  assert.deepEqual(scan(`Authorization: Bearer ${RFC7519_JWS}`), {
    x: 'Authorization: Bearer [REDACTED:bearer_token]',
    rules: ['redacted detector:bearer_token'],
  })
})

test('random base64 that is not a JWT is kept', () => {
  const b64 = (value) => Buffer.from(value).toString('base64url')
  for (const text of [
    `${b64('{"typ":"JWT"}')}.${b64('{"sub":"1"}')}.c2ln`, // a JSON header without alg
    `${b64('{"alg":1}')}.${b64('{}')}.c2ln`, // alg not a string
    `${b64('{"alg":"HS256"}')}.${b64('{"sub":"1"}')}`, // two segments
    `${b64('hello world, plain')}.${b64('x')}.${b64('y')}`,
    'eyJzb21lIjoidGhpbmcifQ', // base64 JSON alone
    'eyJhbGciOiJIUzI1NiJ9eyJzdWIiOiIxMjMifQ==',
    'aGVsbG8.d29ybGQ.IQ',
    'report.eyJ.final.pdf',
  ]) {
    assert.deepEqual(scan(text), { x: text, rules: [] }, text)
  }
})

test('PEM private key blocks are redacted whole, or to the end without an END line', () => {
  const body = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dV'
  for (const label of ['', 'RSA ', 'EC ', 'ENCRYPTED ', 'OPENSSH ']) {
    const block = `-----BEGIN ${label}PRIVATE KEY-----\n${body}\n-----END ${label}PRIVATE KEY-----`
    assert.deepEqual(scan(`key:\n${block}\nbye`), {
      x: 'key:\n[REDACTED:private_key]\nbye',
      rules: ['redacted detector:private_key'],
    })
  }
  assert.equal(scan(`-----BEGIN PRIVATE KEY-----\n${body.slice(0, 30)}`).x, '[REDACTED:private_key]')
  assert.equal(scan('see -----BEGIN RSA PRIVATE KEY----- (cut)').x, 'see [REDACTED:private_key]')
  for (const text of [
    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----',
    '-----BEGIN PUBLIC KEY-----',
    'BEGIN PRIVATE KEY',
  ]) {
    assert.deepEqual(scan(text), { x: text, rules: [] }, text)
  }
})

test("AWS's example access key id is redacted; near misses are kept", () => {
  assert.deepEqual(scan('AKIAIOSFODNN7EXAMPLE'), {
    x: '[REDACTED:aws_access_key_id]',
    rules: ['redacted detector:aws_access_key_id'],
  })
  assert.equal(scan('aws_access_key_id=ASIAIOSFODNN7EXAMPLE\n').x, 'aws_access_key_id=[REDACTED:aws_access_key_id]\n')
  for (const text of [
    'AKIAIOSFODNN7EXAMPL',
    'XAKIAIOSFODNN7EXAMPLE',
    'AKIAIOSFODNN7EXAMPLE1',
    'AKIAIOSFODNN1EXAMPLE',
    'akiaiosfodnn7example',
  ]) {
    assert.deepEqual(scan(text), { x: text, rules: [] }, text)
  }
})

test('bearer tokens are redacted, the word kept; prose is not', () => {
  assert.deepEqual(scan('curl -H "Authorization: bearer 2YotnFZFEjr1zCsicMWpAA8fh3k"'), {
    x: 'curl -H "Authorization: bearer [REDACTED:bearer_token]"',
    rules: ['redacted detector:bearer_token'],
  })
  for (const text of ['the bearer of this card', 'Bearer bonds', 'Bearer mF_9.B5f-4.1JqM']) {
    assert.deepEqual(scan(text), { x: text, rules: [] }, text)
  }
})

test('emails and phone numbers in free text: off by default, redacted when asked', () => {
  const text = 'Call (555) 012-3456 or +44 20 7946 0958, or write to ada.lovelace@example.com.'
  assert.deepEqual(scan(text), { x: text, rules: [] })
  assert.deepEqual(scan(text, withText), {
    x: 'Call [REDACTED:phone] or [REDACTED:phone], or write to [REDACTED:email].',
    rules: ['redacted detector:phone', 'redacted detector:email'],
  })
  for (const kept of ['order 2024-05-01', 'ref 123-456-7890', 'v1.2.3.4', '@handle', 'ORD-555-0199-22']) {
    assert.deepEqual(scan(kept, withText), { x: kept, rules: [] }, kept)
  }
  // The customerio preset keeps the email and phone attributes themselves raw.
  const cio = createSanitizer({ preset: 'customerio', sms: true, detectors: { email: 'redact', phone: 'redact' } })
  assert.deepEqual(cio.sanitize({ email: 'ada@example.com', phone: '+15550123456' }), {
    email: 'ada@example.com',
    phone: '+15550123456',
  })
})

test('the detectors option knows every detector and rejects the rest', () => {
  const names = ['cardNumber', 'usSsn', 'iban', 'jwt', 'privateKey', 'awsAccessKeyId', 'bearerToken', 'email', 'phone']
  for (const name of names) {
    for (const action of ['redact', 'drop', 'off']) createSanitizer({ detectors: { [name]: action } })
  }
  assert.throws(
    () => createSanitizer({ detectors: { creditCard: 'drop' } }),
    /unknown detector 'creditCard' \(cardNumber, usSsn, iban, jwt, privateKey, awsAccessKeyId, bearerToken, email, phone\)/,
  )
  // Off and drop per detector, on both paths.
  const custom = createSanitizer({ detectors: { jwt: 'off', awsAccessKeyId: 'drop' } })
  assert.deepEqual(scan(RFC7519_JWS, custom), { x: RFC7519_JWS, rules: [] })
  assert.deepEqual(scan('AKIAIOSFODNN7EXAMPLE', custom), {
    x: undefined,
    rules: ['dropped detector:aws_access_key_id'],
  })
  // `true` is the default set: emails stay.
  assert.deepEqual(scan('ada@example.com', createSanitizer({ detectors: true })).rules, [])
})
