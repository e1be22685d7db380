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

const cardLayout = fc.tuple(luhnCard, fc.constantFrom('', ' ', '-')).map(([card, sep]) => (sep ? grouped(card, sep) : card))

/** A valid card, or one digit changed (Luhn then fails), in any layout. */
export const cardShape = fc.oneof(
  cardLayout,
  fc.tuple(luhnCard, fc.nat(), fc.integer({ min: 1, max: 9 }), fc.constantFrom('', ' ', '-')).map(([card, at, plus, sep]) => {
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
const bbanChar = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...'0123456789') }, fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'))

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

/** Text around a shape: letters that join or break tokens, separators, multibyte characters. */
const surrounding = fc.string({ unit: fc.constantFrom(...'ab XY-_.:/#é€😀\n0123456789'), maxLength: 6 })

/** Strings the detectors may or may not match, and random ones. */
export const detectorCandidate = fc.oneof(
  fc.tuple(surrounding, fc.oneof(cardShape, ssnShape, ibanShape), surrounding).map(([a, shape, b]) => a + shape + b),
  fc.tuple(fc.oneof(cardShape, ssnShape, ibanShape), surrounding, fc.oneof(cardShape, ssnShape, ibanShape)).map((p) => p.join('')),
  fc.string({ unit: fc.constantFrom(...'0123456789 -'), maxLength: 30 }),
  fc.string({ unit: fc.constantFrom(...'0123456789 -ABDEGR'), minLength: 9, maxLength: 13 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
)
