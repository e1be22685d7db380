// A person profile for the integration tests (secureTrackClient, customerioCdpPlugin): each value
// that must never be sent is a distinctive canary, so a test can search everything a server
// received for it. Hash expectations come from node:crypto, not from the library.

import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'

/** Never-send values: none of these strings may reach a server, in any request part. */
export const NEVER = {
  ssn: '078-05-1120',
  card: '4111 1111 1111 1111',
  password: 'canary-hunter2-pw',
  billingCard: '5500005555555559',
  contactPhone: '+15550100199',
  taxId: 'canary-tax-98-7654321',
}

/** Raw values of hashed fields: they arrive only as `<key>_hash`. */
export const HASHED = { phone: '+15550100123', address: '1 Canary Lane, Springfield' }

/** A fresh profile each call (tests compare the caller's object before and after). */
export function profile() {
  return {
    email: 'jane@example.com',
    plan: 'pro',
    ssn: NEVER.ssn,
    password: NEVER.password,
    phone: HASHED.phone,
    address: HASHED.address,
    note: `paid with ${NEVER.card}`,
    billing: { card_number: NEVER.billingCard, city: 'Springfield' },
    contacts: [{ name: 'Mom', phone: NEVER.contactPhone }],
    TaxId: NEVER.taxId,
  }
}

/** The first 16 hex chars of SHA-256 of the UTF-8 text, as the default policy hashes. */
export function hash16(text) {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16)
}

/** Every never-send value and raw hashed value found in `text` (empty when none leaked). */
export function leaks(text) {
  return [...Object.values(NEVER), ...Object.values(HASHED)].filter((value) => text.includes(value))
}

/**
 * Asserts `actual` is what `profile()` becomes under the default policy, by the rules:
 * never-send keys dropped (also `TaxId`, a spelling variant), personal keys hashed to
 * `<key>_hash` at every depth, a card number inside free text redacted, the rest unchanged.
 */
export function assertSanitizedProfile(actual) {
  const { note, ...rest } = actual
  assert.deepEqual(rest, {
    email: 'jane@example.com',
    plan: 'pro',
    phone_hash: hash16(HASHED.phone),
    address_hash: hash16(HASHED.address),
    billing: { city: 'Springfield' },
    contacts: [{ name: 'Mom', phone_hash: hash16(NEVER.contactPhone) }],
  })
  assert.equal(typeof note, 'string')
  assert.ok(note.startsWith('paid with '), 'the text around a redacted card number is kept')
  assert.ok(!note.includes(NEVER.card))
}

/** A value a sanitizer cannot accept: it refers to itself. */
export function cyclic() {
  const attrs = { plan: 'pro', ssn: NEVER.ssn }
  attrs.self = attrs
  return attrs
}

/** A value whose getter throws (it also holds a canary that must not go out). */
export function throwingGetter() {
  return {
    ssn: NEVER.ssn,
    get plan() {
      throw new Error('getter failed')
    },
  }
}
