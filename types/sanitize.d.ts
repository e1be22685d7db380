// PII sanitization. Re-exported from index.d.ts.

import { CustomerioSecurityError } from './errors'
import type { Secret } from './webhook'

/**
 * What a rule does to a field.
 * - `'drop'`: removed. `'keep'`: passed as it is (value detectors skipped: use it for ids).
 * - `'hash'`: replaced by `<key>_hash` = SHA-256 hex (16 chars unless `length` says; unkeyed
 *   digests of phones are reversible by enumeration: prefer `'hmac'`).
 * - `'hmac'`: `<key>_hash` = `<keyId>:<HMAC-SHA256 hex>` under the policy's `pepper`.
 * - `'mask'`: stars all but the last `keepLast` (default 4) characters.
 * - `'e164'`: kept raw only if a valid E.164 phone (`+15550123456`), else dropped.
 * - `'email-match'`, `'phone-match-google'`, `'phone-match-meta'`: `<key>_hash` = full SHA-256
 *   of the ad-platform normalized form (trimmed lowercase email; `+E.164`; E.164 digits).
 */
export type FieldAction =
  | 'drop'
  | 'keep'
  | 'hash'
  | 'hmac'
  | 'mask'
  | 'e164'
  | 'email-match'
  | 'phone-match-google'
  | 'phone-match-meta'
  | { action: 'hash'; length?: number }
  | { action: 'hmac'; length?: number }
  | { action: 'mask'; keepLast?: number }

export type DetectorAction = 'redact' | 'drop' | 'off'

/** The sensitive classes of attribute names the default policy knows. */
export type SensitiveClass =
  | 'credential'
  | 'payment_card'
  | 'government_id'
  | 'bank_account'
  | 'phone'
  | 'ip_address'
  | 'street_address'

/**
 * Every sensitive class and what the default policy does with a name of it: `'drop'` (never
 * sent) or `'hash'` (replaced by `<name>_hash`). A name belongs to a class by its last words, in
 * any spelling: `password_confirmation`, `CUSTOMERSSN`, `home_phone`, `address_line1`.
 */
export declare const SENSITIVE_CLASSES: ReadonlyArray<{ readonly id: SensitiveClass; readonly action: 'drop' | 'hash' }>

export interface SanitizerPolicy {
  /**
   * `'default'`: the guide's rules, leak-proof. `'customerio'`: the same, but `id`, `email`,
   * `cio_id` and `created_at` are always kept raw, and `phone` too (validated E.164) when `sms`.
   */
  preset?: 'default' | 'customerio'
  /** With the `'customerio'` preset: keep `phone` raw (E.164 only), as SMS sends need it. */
  sms?: boolean
  /**
   * Rules added to, or replacing, the preset's. A class id (`'phone'`, `'credential'`, see
   * {@link SENSITIVE_CLASSES}) sets the action of every name in that class; any other name is a
   * rule for that name as a whole, matched in any spelling (`phoneNumber`, `Phone-Number`).
   */
  fields?: Record<string, FieldAction>
  /**
   * Rules taken away. A class id removes the whole class (`'ip_address'`: no name is an IP
   * address any more); any other name frees that name only (`'ssn'` lets `ssn` pass, not
   * `user_ssn`). Freed fields still go through the value detectors.
   */
  remove?: string[]
  /**
   * Allow-list mode: only these names (and names with a rule or a class) pass; everything else is
   * dropped and reported `not_allowed`. Allowed names still go through the value detectors (a
   * `fields: { name: 'keep' }` rule skips them), and a name of a sensitive class keeps its class.
   */
  allow?: string[]
  /** How the preset's personal fields are hashed. Default `{ algorithm: 'sha256', length: 16 }`. */
  pseudonym?: 'sha256' | 'hmac' | { algorithm: 'sha256' | 'hmac'; length?: number }
  /** The secret key of `'hmac'` rules, and its id (written into each digest, so it can rotate). */
  pepper?: { key: Secret; keyId: string }
  /**
   * Value detectors run on every string (and number) not under a rule; `false` turns them all off,
   * an object sets each one (`'redact'` replaces the match by `[REDACTED:<name>]`, `'drop'` removes
   * the field or array element, `'off'`). On by default, `'redact'`:
   * - `cardNumber`: 13-19 digits passing Luhn, plain or grouped (4 first) by spaces, dashes, dots,
   *   `+` or `%20`, in any Unicode digits, spaces and dashes; numbers (and numeric strings) by
   *   their exact value in any spelling (`4.111111111111111E15`), always dropped.
   * - `usSsn`: `123-45-6789` or `123 45 6789` within the SSA's issued ranges (never bare 9 digits).
   * - `iban`: ISO 13616, mod-97 checked, compact or in groups of 4, any letter case (lowercase only
   *   for registry countries at their exact length).
   * - `jwt`: `header.payload.signature` (or a 5-part JWE) whose header decodes to JSON with `alg`.
   * - `privateKey`: a PEM `-----BEGIN … PRIVATE KEY-----` block through its END line (or to the
   *   end of the string when the END line is missing).
   * - `awsAccessKeyId`: `AKIA`/`ASIA` and 16 base32 characters.
   * - `bearerToken`: the token after `Bearer ` (any case), at least 20 characters; the word stays.
   *
   * Off by default (Customer.io needs `email` and `phone` attributes raw, and phone shapes in free
   * text also fit order numbers and dates): `email`, and `phone` (`+` and 8-15 digits, or North
   * American `(555) 012-3456` / `555-234-5678`).
   */
  detectors?:
    | boolean
    | {
        cardNumber?: DetectorAction
        usSsn?: DetectorAction
        iban?: DetectorAction
        jwt?: DetectorAction
        privateKey?: DetectorAction
        awsAccessKeyId?: DetectorAction
        bearerToken?: DetectorAction
        email?: DetectorAction
        phone?: DetectorAction
      }
  /** Customer.io limits (name 150 bytes, value 1000 bytes, 300 attributes): `'report'` (default), `'error'` or `'off'`. */
  limits?: 'report' | 'error' | 'off'
  /** Deeper input throws `ERR_MAX_DEPTH`. Default 64, at most 512. */
  maxDepth?: number
  /** Country code for phones written without one (`'1'`), for `'e164'` and the phone match keys. */
  defaultCountryCode?: string
}

/** One change the sanitizer made. Never holds a value. */
export interface SanitizeChange {
  /**
   * `billing.card_number`, `contacts[0].phone`. A key that carries personal data (an email, a
   * phone or card number...) is shown as `<redacted>`: `contacts.<redacted>.ssn`.
   */
  path: string
  action: 'dropped' | 'hashed' | 'masked' | 'redacted' | 'validated' | 'limit'
  /**
   * The class that matched the name (a {@link SensitiveClass}), a field rule's name,
   * `detector:<name>` (`detector:card_number`, `detector:jwt`, ...), `prototype_key`,
   * `not_allowed`, `not_a_scalar`, `unsupported_type`, `invalid_e164`, `invalid_phone`, or a
   * limit's name.
   */
  rule: string
}

export interface SanitizeReport {
  /** In document order, at most 10,000 (for JSON text, their paths also at most the input's size in all). */
  changes: SanitizeChange[]
  /** Changes made but not listed (past those caps). */
  omitted: number
}

/** A line `sanitizeNdjson` left out. */
export interface NdjsonLineError {
  /** 1-based. */
  line: number
  /** `ERR_INVALID_JSON`, `ERR_MAX_DEPTH`, `ERR_LIMIT_EXCEEDED`, ... */
  code: string
  /** Names the problem and the byte offset in the line, never its content. */
  message: string
}

/** What the sanitizer returns: JSON data only (plain objects, arrays, strings, numbers, booleans, null). */
export type SanitizedValue = string | number | boolean | null | SanitizedValue[] | { [key: string]: SanitizedValue }

/** Sanitized attributes: a plain object of JSON data, keys renamed where a rule hashed them (`phone_hash`). */
export type SanitizedAttributes = { [key: string]: SanitizedValue }

export interface Sanitizer {
  /**
   * A sanitized copy of `attrs` (never changed in place), made of plain objects, arrays and
   * scalars only: a Date becomes its ISO text, an object with `toJSON` what that returns, a boxed
   * primitive its primitive, each then sanitized. Throws a {@link CustomerioSecurityError}
   * (`ERR_CYCLE`, `ERR_MAX_DEPTH`, `ERR_READ_FAILED`, `ERR_LIMIT_EXCEEDED`, `ERR_MISSING_PEPPER`)
   * and returns nothing partial when the input cannot be sanitized safely.
   */
  sanitize<T extends object>(attrs: T): SanitizedAttributes
  sanitizeWithReport<T extends object>(attrs: T): { attributes: SanitizedAttributes; report: SanitizeReport }
  /** The same rules on JSON text, without building JS objects. A string in gives a string out, a Buffer a Buffer. */
  sanitizeJson(json: string): string
  sanitizeJson(json: Buffer | Uint8Array): Buffer
  /**
   * NDJSON (one JSON document per line, `\n` or `\r\n`) in one call: each line sanitized as by
   * `sanitizeJson`, blank lines skipped, output one record per line. A line that cannot be
   * sanitized is left out and listed in `errors` (its number and code, never its text).
   */
  sanitizeNdjson(ndjson: string): { ndjson: string; errors: NdjsonLineError[] }
  sanitizeNdjson(ndjson: Buffer | Uint8Array): { ndjson: Buffer; errors: NdjsonLineError[] }
  sanitizeJsonWithReport(json: string): { json: string; report: SanitizeReport }
  sanitizeJsonWithReport(json: Buffer | Uint8Array): { json: Buffer; report: SanitizeReport }
}

/** Compiles `policy` once (in Rust); throws `ERR_INVALID_POLICY` / `ERR_INVALID_PEPPER` naming the bad option. */
export declare function createSanitizer(policy?: SanitizerPolicy): Sanitizer

/** Sanitizes with the default policy. Takes any object: a plain object, an interface's value, a class instance. */
export declare function sanitizeAttributes<T extends object>(attrs: T): SanitizedAttributes
