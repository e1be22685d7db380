// Nested inputs for the leak properties: keys that name never-send and personal data in the
// spellings real payloads use, holding canary values whose raw form must never come out.
import fc from 'fast-check'

/** Every never-send value starts with this; none may appear in any output. */
export const NEVER_CANARY = 'NVRSEND'
/** Every value under a hash key starts with this; only its digest may come out. */
export const HASH_CANARY = 'HASHRAW'
/**
 * Canary numbers: eight digits or more, so no benign value (0-99) and no 16-hex digest is
 * likely to hold their decimal text by chance.
 */
export const CANARY_NUMBERS = [15550123, 16505551212, 987654321, 44207946095, 3141592653]

export const NEVER_SEND_KEYS = [
  'ssn',
  'SSN',
  'userSSN',
  'user_ssn',
  'Ssn',
  'social_security',
  'socialSecurity',
  'Social-Security',
  'social security',
  'social_security_number',
  'tax_id',
  'taxId',
  'TAX-ID',
  'credit_card',
  'creditCard',
  'CreditCard',
  'credit-card',
  'CREDIT_CARD',
  'credit_card_number',
  'card_number',
  'cardNumber',
  'Card Number',
  'billing_card_number',
  'billingCardNumber',
  'cvv',
  'CVV',
  'cvc',
  'card_cvv',
  'password',
  'Password',
  'passwordHash',
  'password_hash',
  'user_password',
  'bank_account',
  'bankAccount',
  'bank_account_number',
  'routing_number',
  'RoutingNumber',
]

export const HASH_KEYS = [
  'phone',
  'Phone',
  'PHONE',
  'phoneNumber',
  'Phone-Number',
  'phone number',
  'PHONE_NUMBER',
  'phone_number',
  'home_phone',
  'homePhone',
  'mobile_phone',
  'mobilePhone',
  'userPhone',
  'ip',
  'IP',
  'clientIp',
  'client_ip',
  'ip_address',
  'ipAddress',
  'IPAddress',
  'IP-Address',
  'address',
  'Address',
  'street_address',
  'streetAddress',
  'home_address',
  'billing_address',
  'shipping_address',
  'mailingAddress',
]

/** Containers and plain fields no rule names (so their contents are walked). */
export const OTHER_KEYS = ['profile', 'contacts', 'billing', 'meta', 'items', 'notes', 'name', 'plan', 'tags', 'data']

const suffix = fc.oneof(fc.nat(), fc.string({ unit: 'binary', maxLength: 8 }))
const neverString = suffix.map((s) => `${NEVER_CANARY}${s}`)
const hashString = suffix.map((s) => `${HASH_CANARY}${s}`)
const canaryNumber = fc.constantFrom(...CANARY_NUMBERS)
const benign = fc.oneof(
  fc.constantFrom('ok', 'Jane', '', 'pro'),
  fc.integer({ min: 0, max: 99 }),
  fc.boolean(),
  fc.constant(null),
)

/** Anything holding canaries: scalars, arrays, objects (under any keys), nested a little. */
function canaryValue(scalar) {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small', maxDepth: 3 }, scalar, canaryNumber, tie('array'), tie('object')),
    array: fc.array(tie('value'), { maxLength: 3 }),
    object: fc.dictionary(fc.constantFrom(...OTHER_KEYS, ...HASH_KEYS, 'value'), tie('value'), { maxKeys: 3 }),
  }))
  return value
}

const neverEntry = fc.tuple(fc.constantFrom(...NEVER_SEND_KEYS), canaryValue(neverString))
const hashEntry = fc.tuple(fc.constantFrom(...HASH_KEYS), canaryValue(hashString))

function toObject(entries) {
  const out = {}
  for (const [key, value] of entries) out[key] = value
  return out
}

/** A value `depth` levels deep at most: objects and arrays of mixed entries down to benign leaves. */
function nestedValue(depth) {
  if (depth === 0) return benign
  const inner = nestedValue(depth - 1)
  const object = fc
    .array(fc.oneof(neverEntry, hashEntry, fc.tuple(fc.constantFrom(...OTHER_KEYS), inner)), { maxLength: 5 })
    .map(toObject)
  return fc.oneof(benign, object, fc.array(fc.oneof(inner, object), { maxLength: 4 }))
}

/** The top-level attributes: an object of never-send, hash and container keys, up to ~6 deep. */
export const nestedAttributes = fc
  .array(fc.oneof(neverEntry, hashEntry, fc.tuple(fc.constantFrom(...OTHER_KEYS), nestedValue(5))), {
    maxLength: 8,
  })
  .map(toObject)

/** The canaries found in `text`, for an assertion message that names what leaked. */
export function leaksIn(text) {
  const found = []
  if (text.includes(NEVER_CANARY)) found.push(NEVER_CANARY)
  if (text.includes(HASH_CANARY)) found.push(HASH_CANARY)
  for (const n of CANARY_NUMBERS) if (text.includes(String(n))) found.push(n)
  return found
}
