// Generators of strings shaped like what the value detectors look for (Luhn-valid card numbers,
// SSNs, mod-97-valid IBANs), in the layouts people type, with near misses and surroundings.
// The check digits are computed here from the published algorithms, not by the library.
import fc from 'fast-check'

/** The Luhn check digit that makes `body + digit` valid. */
export function luhnCheckDigit(body) {
  let sum = 0
  for (let i = 0; i < body.length; i++) {
    let d = Number(body[body.length - 1 - i])
    if (i % 2 === 0) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return String((10 - (sum % 10)) % 10)
}

export function luhnValid(digits) {
  return luhnCheckDigit(digits.slice(0, -1)) === digits.slice(-1)
}

/** ISO 13616 check digits for a country and BBAN (letters A=10 .. Z=35), by BigInt mod 97. */
export function ibanCheckDigits(country, bban) {
  const numeric = [...`${bban}${country}00`].map((c) => parseInt(c, 36)).join('')
  return String(98n - (BigInt(numeric) % 97n)).padStart(2, '0')
}

/** Groups of 4 joined by `separator`, as cards and paper IBANs are printed. */
export function grouped(text, separator) {
  return text.match(/.{1,4}/g).join(separator)
}

const digits = (min, max) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max })

/** Luhn-valid digit strings of 13-19 digits, first digit 1-9. */
export const luhnCard = fc
  .tuple(fc.constantFrom(...'123456789'), digits(11, 17))
  .map(([lead, rest]) => lead + rest)
  .map((body) => body + luhnCheckDigit(body))

const cardLayout = fc
  .tuple(luhnCard, fc.constantFrom('', ' ', '-'))
  .map(([card, sep]) => (sep ? grouped(card, sep) : card))

/** A valid card, or one digit changed (Luhn then fails), in any layout. */
export const cardShape = fc.oneof(
  cardLayout,
  fc
    .tuple(luhnCard, fc.nat(), fc.integer({ min: 1, max: 9 }), fc.constantFrom('', ' ', '-'))
    .map(([card, at, plus, sep]) => {
      const i = at % card.length
      const changed = card.slice(0, i) + String((Number(card[i]) + plus) % 10) + card.slice(i + 1)
      return sep ? grouped(changed, sep) : changed
    }),
)

/** AAA-GG-SSSS or AAA GG SSSS, inside and outside the SSA's issued ranges, or bare digits. */
export const ssnShape = fc
  .tuple(digits(3, 3), digits(2, 2), digits(4, 4), fc.constantFrom('-', ' ', '', '.', '--'))
  .map(([a, g, s, sep]) => `${a}${sep}${g}${sep}${s}`)

const IBAN_LENGTHS = { DE: 22, GB: 22, FR: 27, NL: 18, NO: 15, BE: 16, ES: 24, IT: 27, CH: 21, XK: 20, QQ: 16 }
const bbanChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...'0123456789') },
  fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
)

/** A mod-97-valid IBAN (compact or paper), sometimes with a changed character or wrong length. */
export const ibanShape = fc
  .tuple(
    fc.constantFrom(...Object.keys(IBAN_LENGTHS)),
    fc.array(bbanChar, { minLength: 30, maxLength: 30 }),
    fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.constantFrom(-1, 1)),
    fc.boolean(),
    fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, fc.nat()),
  )
  .map(([country, chars, lengthDelta, paper, typo]) => {
    const bban = chars.slice(0, IBAN_LENGTHS[country] - 4 + lengthDelta).join('')
    let iban = `${country}${ibanCheckDigits(country, bban)}${bban}`
    if (typo !== undefined) {
      const i = 4 + (typo % bban.length)
      iban = iban.slice(0, i) + (iban[i] === '7' ? '8' : '7') + iban.slice(i + 1)
    }
    return paper ? grouped(iban, ' ') : iban
  })

/** Each digit in a Unicode digit set (fullwidth, Arabic-Indic, Devanagari, mathematical) or as is. */
const DIGIT_ZEROS = [0x30, 0xff10, 0x660, 0x6f0, 0x966, 0x1d7ce]
const unicodeDigits = (text, zeros) =>
  [...text]
    .map((c, i) => (c >= '0' && c <= '9' ? String.fromCodePoint(zeros[i % zeros.length] + Number(c)) : c))
    .join('')

/** A card or SSN shape with Unicode digits and separators swapped in. */
const unicodeShape = fc
  .tuple(
    fc.oneof(cardShape, ssnShape),
    fc.array(fc.constantFrom(...DIGIT_ZEROS), { minLength: 1, maxLength: 3 }),
    fc.constantFrom(' ', '-', '.', '\u00a0', '\u2013', '\u3000', '\u2212', '+', '%20', '_'),
  )
  .map(([shape, zeros, sep]) => unicodeDigits(shape.replace(/[ -]/g, sep), zeros))

/** What encodings leave before a value, and look-alikes that are not. */
const residue = fc.constantFrom(
  '\\n',
  '\\t',
  '\\u00a0',
  '%20',
  '%2',
  '%u00A0',
  '\\x20',
  '+',
  '&nbsp;',
  'n',
  'x',
  '0',
  '\\',
  '',
)

const b64url = (min, max) =>
  fc.string({
    unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'),
    minLength: min,
    maxLength: max,
  })
const b64 = (value) => Buffer.from(value).toString('base64url')

/** JWT-like strings: real headers, JSON headers without alg, random segments. */
const jwtShape = fc
  .tuple(
    fc.constantFrom(
      b64('{"alg":"HS256","typ":"JWT"}'),
      b64('{"alg":"none"}'),
      b64('{"typ":"JWT"}'),
      b64('{"alg":"dir","enc":"A128GCM"}'),
      'eyJ',
      'eyJhbGciOi',
    ),
    fc.array(b64url(0, 12), { minLength: 0, maxLength: 5 }),
  )
  .map(([header, segments]) => [header, ...segments].join('.'))

const pemShape = fc
  .tuple(
    fc.constantFrom('-----BEGIN ', '----BEGIN ', '\u2014\u2014\u2014\u2014\u2014BEGIN '),
    fc.constantFrom('', 'RSA ', 'EC ', 'PUBLIC '),
    fc.constantFrom('PRIVATE KEY-----', 'PRIVATE KEY----', 'KEY-----'),
    b64url(0, 10),
    fc.constantFrom('', '-----END PRIVATE KEY-----', '-----END RSA PRIVATE KEY-----', '-----END'),
  )
  .map((parts) => parts.join(''))

const awsShape = fc
  .tuple(
    fc.constantFrom('AKIA', 'ASIA', 'AIDA', 'akia'),
    fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ2345678'), minLength: 15, maxLength: 17 }),
  )
  .map(([prefix, rest]) => prefix + rest)

const bearerShape = fc
  .tuple(
    fc.constantFrom('Bearer', 'bearer', 'BEARER', 'bEaReR', 'Bearer:'),
    fc.constantFrom(' ', '  ', '\t', '\u00a0', ''),
    b64url(10, 30),
  )
  .map((parts) => parts.join(''))

const emailShape = fc
  .tuple(
    b64url(0, 8),
    fc.constantFrom('@', '.@', '@@'),
    fc.constantFrom('example.com', 'a.co', 'localhost', 'x.c', 'mail.example.org1'),
  )
  .map((parts) => parts.join(''))

const phoneShape = fc
  .tuple(
    fc.constantFrom('+', '+1 ', '(', ''),
    fc.array(digits(1, 4), { minLength: 1, maxLength: 5 }),
    fc.constantFrom(' ', '-', '.', ') ', '\u00a0'),
  )
  .map(([lead, groups, sep]) => lead + groups.join(sep))

/** Numbers written as strings: exponent forms of cards and of near misses. */
const numericShape = fc
  .tuple(luhnCard, fc.integer({ min: 1, max: 3 }), fc.constantFrom('e', 'E', 'e+'), fc.boolean())
  .map(
    ([card, point, e, negative]) =>
      `${negative ? '-' : ''}${card.slice(0, point)}.${card.slice(point)}${e}${card.length - point}`,
  )

/** Any shape a detector looks for, lowercase IBANs included. */
const anyShape = fc.oneof(
  cardShape,
  ssnShape,
  ibanShape,
  ibanShape.map((iban) => iban.toLowerCase()),
  unicodeShape,
  jwtShape,
  pemShape,
  awsShape,
  bearerShape,
  emailShape,
  phoneShape,
  numericShape,
)

/** Text around a shape: letters that join or break tokens, separators, multibyte characters. */
const surrounding = fc.string({ unit: fc.constantFrom(...'ab XY-_.:/#é€😀\n0123456789'), maxLength: 6 })

/** Strings the detectors may or may not match, and random ones. */
export const detectorCandidate = fc.oneof(
  fc.tuple(surrounding, residue, anyShape, surrounding).map(([a, r, shape, b]) => a + r + shape + b),
  fc.tuple(anyShape, surrounding, anyShape).map((p) => p.join('')),
  anyShape,
  fc.string({ unit: fc.constantFrom(...'0123456789 -'), maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...'0123456789 -ABDEGR'), minLength: 9, maxLength: 13 }),
  fc.string({ unit: fc.constantFrom(...'0123456789.eE+-'), minLength: 3, maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
)
