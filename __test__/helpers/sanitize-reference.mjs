// The reference sanitizer, written exactly as issue 3 states it (the guide's plain-JS version):
// for each own key, lowercase it; drop the never-send names; replace the personal names holding
// a string by `<key>_hash` = the first 16 hex chars of node:crypto SHA-256 of the value's UTF-8
// bytes; copy anything else unchanged. The tests compare the library against this, so it must
// stay as naive as the issue describes it: no key normalization, no detectors, no nesting.
import { createHash } from 'node:crypto'

export const REFERENCE_DROP = new Set([
  'ssn',
  'social_security',
  'tax_id',
  'credit_card',
  'card_number',
  'cvv',
  'password',
  'password_hash',
  'bank_account',
  'routing_number',
])

export const REFERENCE_HASH = new Set(['phone', 'phone_number', 'ip_address', 'ip', 'address', 'street_address'])

/** The 16 names the reference knows, drop names first. */
export const REFERENCE_NAMES = [...REFERENCE_DROP, ...REFERENCE_HASH]

/** The first `length` hex chars of SHA-256 of `text` as UTF-8, by node:crypto. */
export function sha256Hex(text, length = 64) {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, length)
}

export function referenceSanitize(attrs) {
  const out = {}
  for (const key of Object.keys(attrs)) {
    const k = key.toLowerCase()
    const value = attrs[key]
    if (REFERENCE_DROP.has(k)) continue
    if (REFERENCE_HASH.has(k) && typeof value === 'string') {
      out[`${key}_hash`] = sha256Hex(value, 16)
    } else {
      out[key] = value
    }
  }
  return out
}
