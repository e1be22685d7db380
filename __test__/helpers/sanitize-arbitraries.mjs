// fast-check generators shared by the sanitizer property tests.
import fc from 'fast-check'

import { createSanitizer } from '../../index.js'

/** `name` with each letter's case chosen at random (`pHoNe_NuMbeR`). */
export function randomCase(name) {
  return fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join(''))
}

/** A flat object built from `[key, value]` pairs in generation order (a repeated key keeps its first place). */
export function flatObject(key, value, maxKeys = 20) {
  return fc.array(fc.tuple(key, value), { maxLength: maxKeys }).map((pairs) => {
    const out = {}
    for (const [k, v] of pairs) out[k] = v
    return out
  })
}

/** Any string of full Unicode code points (astral planes included), empty allowed. */
export const anyUnicode = fc.string({ unit: 'binary', maxLength: 40 })

/** Strings made of digits and the separators cards, SSNs and IBANs are written with. */
export const digitish = fc.string({ unit: fc.constantFrom(...'0123456789 -'), maxLength: 24 })

const jsonScanner = createSanitizer()

/**
 * True when the default policy's value detectors leave `text` alone, judged through the JSON
 * entry point (a separate Rust walk from the object API under test).
 */
export function detectorClean(text) {
  const json = JSON.stringify({ x: text })
  return jsonScanner.sanitizeJson(json) === json
}
