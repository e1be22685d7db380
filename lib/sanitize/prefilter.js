'use strict'

// Which strings and numbers may hold what a value detector finds, decided in JS so that most
// values never cross into the addon.
//
// A cheap test that lets most strings skip the native scan. The core builds its regexes from the
// enabled detectors' shapes and its Unicode fold tables (detect::js_prefilter): one definition, in
// Rust. Together they accept every string a detector can match (tested against the native scan on
// random and near-miss inputs in __test__/sanitize/detectors.test.mjs): the digit shapes (a cheap
// gate with wide classes, then the exact Unicode classes for the few strings it lets through), and
// the secrets' prefixes in strings long enough to hold a secret. Regexes beat a charCodeAt loop
// here: V8 compiles them to native code.
// A numeric string ("4.111111111111111e15") is judged by its value like a number, so a short one
// can still be a card: those starting with a digit or '-' are tested apart.
const NUMERIC_STRING = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/
// Numbers can only hold a card number: 13 to 19 digits, Luhn-valid.
const MIN_CARD_NUMBER = 1e12

/** The pre-filter of one compiled policy (regex sources from `sanitizerInfo(policy).prefilter`). */
class Prefilter {
  constructor(info) {
    const { shapesGate, unicodeShapes, shapesMinLength, literals, literalsMinLength } = info.prefilter
    this.shapesGate = shapesGate == null ? null : new RegExp(shapesGate)
    this.unicodeShapes = unicodeShapes == null ? null : new RegExp(unicodeShapes, 'u')
    this.shapesMinLength = shapesMinLength
    this.literals = literals == null ? null : new RegExp(literals, 'i')
    this.literalsMinLength = literalsMinLength
    this.minNumericLength = info.minNumericStringLength
  }

  /** False when no enabled detector can match `text`: the native scan is skipped. */
  mayHoldPii(text) {
    const length = text.length
    if (length >= this.shapesMinLength && this.shapesGate.test(text) && this.unicodeShapes.test(text)) return true
    if (length >= this.literalsMinLength && this.literals.test(text)) return true
    return length >= this.minNumericLength && numberLike(text)
  }
}

/**
 * False when the number `value` cannot be a card number: one needs 13+ digits before any point,
 * and a whole one must pass Luhn (cheap here). Others go to the native scan, which reads
 * String(value) exactly, as the JSON path reads the number's text.
 */
function mayHoldCard(value) {
  return Math.abs(value) >= MIN_CARD_NUMBER && !(Number.isSafeInteger(value) && !luhn(value))
}

/**
 * True if `text` may be a JSON number ("4.111111111111111e15"), whose value a detector judges.
 * The first and last characters rule out nearly every string before the regex runs (measured:
 * running it on every string that starts with a digit cost the 25-key profile 5%).
 */
function numberLike(text) {
  const last = text.charCodeAt(text.length - 1)
  if (last < 48 || last > 57) return false
  const first = text.charCodeAt(0)
  return (first === 45 || (first >= 48 && first <= 57)) && NUMERIC_STRING.test(text)
}

/** The Luhn checksum of a whole number's decimal digits (every card number passes it). */
function luhn(value) {
  let n = Math.abs(value)
  let sum = 0
  let double = false
  while (n > 0) {
    let digit = n % 10
    n = (n - digit) / 10
    if (double) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
    double = !double
  }
  return sum % 10 === 0
}

module.exports = { Prefilter, mayHoldCard }
