'use strict'

// Finds Customer.io credentials in a line of text. What counts (issue 5):
//  - a CUSTOMERIO_* credential variable assigned a literal value (.env, YAML, JSON, code);
//  - a 20- or 32-hex string with a Customer.io context word on its line or the two before;
//  - HTTP Basic credentials built from them (`Basic <base64 of site:key>`, or a literal
//    `site:key` pair), and `Bearer <32 hex>` (an App API key).
// Each finding carries the secret itself (to de-duplicate and match across files and commits,
// never printed) and its masked form (first 4 characters + ****).

const HEX = /(?<![0-9A-Za-z])([0-9a-fA-F]{32}|[0-9a-fA-F]{20})(?![0-9A-Za-z])(?!-us\d)/g
const PAIR = /(?<![0-9A-Za-z])([0-9a-fA-F]{20}):([0-9a-fA-F]{20})(?![0-9A-Za-z])/g
const BASIC = /\bBasic\s+([A-Za-z0-9+/]{16,}={0,2})/g
const BEARER = /\bBearer\s+([0-9a-fA-F]{32})(?![0-9A-Za-z])/g
// A Customer.io credential variable (CUSTOMERIO_, CUSTOMER_IO_ or CIO_ prefix; not
// CUSTOMERIO_REGION, not CUSTOMERIO_KEYS_ROTATED_AT) followed by `=` or `:` (optionally after a
// closing quote, as in JSON) and a value that ends there: `match[1]` or `getKey()` is code.
const ASSIGNMENT =
  /\b(?:CUSTOMER_?IO|CIO)_(?:\w*_)?(?:SITE_?ID|API_KEY|APP_KEY|TRACK_KEY|SECRET|SECRETS|SIGNING_KEY|TOKEN|PASSWORD)\b["']?\s*[:=]\s*(["'`]?)([^\s"'`,;#()[\]{}]+)\1(?=$|[\s"'`,;#})\]])/g
// Case-insensitive words; `cio` separately, case-sensitive, so "precious" does not count.
const CONTEXT =
  /customer[._\- ]?io|site[_\- ]?id|siteid|api[_\- ]?key|apikey|track[_\- ]?(?:api|key|client|url)|trackclient|apiclient|(?<![a-z])track(?![a-z])/i
const CIO = /(?<![A-Za-z])(?:cio|Cio|CIO)(?![a-z])/
// Values that stand for a secret rather than being one (`\$VAR` is a reference escaped in a string).
const PLACEHOLDER =
  /^(?:\\?\$|<|\{|%|process\.|os\.|env\.|ENV\[|getenv)|^(?:x+|\*+|\.+|-+|changeme|change_me|your[\w-]*|example[\w-]*|replace[\w-]*|todo|null|none|nil|undefined|true|false|redacted|\[redacted\]|secret|password|dummy|test|fake)$/i

// Values written for tests and docs, as secret scanners treat them: `test-…`/`test_…`, anything
// with `fake` or `example` in it, or one character repeated (`xxxxxxxx`, `00000000000000000000`).
// A real Customer.io key is random hex and never looks like these.
const TEST_VALUE = /^test[-_]|fake|example/i
const ONE_CHARACTER = /^(.)\1*$/s

const MAX_LINE = 16 * 1024

/** The findings in `line`; `before` is the text of the (up to two) previous lines, for context. */
function detect(line, before = '') {
  const text = line.length > MAX_LINE ? line.slice(0, MAX_LINE) : line
  const found = new Map()
  const add = (secret, kind, what) => {
    if (isTestValue(secret)) return
    if (!found.has(secret)) found.set(secret, { secret, kind, what, masked: mask(secret) })
  }
  for (const m of text.matchAll(ASSIGNMENT)) {
    const value = m[2]
    const variable = /\w+/.exec(m[0])[0]
    if (isLiteral(value, m[1] !== '') && fitsShape(variable, value)) add(value, 'assignment', `${variable} assignment`)
  }
  for (const m of text.matchAll(BASIC)) {
    const decoded = Buffer.from(m[1], 'base64').toString('latin1')
    if (/^[0-9a-f]{20}:[0-9a-f]{20}$/i.test(decoded))
      add(m[1], 'basic-auth', 'Basic auth header (site id:Track API key)')
  }
  for (const m of text.matchAll(BEARER)) add(m[1], 'bearer', 'Bearer token (App API key)')
  for (const m of text.matchAll(PAIR)) add(m[0], 'credential-pair', 'site id:Track API key pair')
  const near = `${before}\n${text}`
  if (CONTEXT.test(near) || CIO.test(near)) {
    for (const m of text.matchAll(HEX)) {
      if (isKeyLike(m[1]))
        add(m[1], 'hex-near-context', m[1].length === 32 ? 'App API key (32 hex)' : 'site id or Track API key (20 hex)')
    }
  }
  return [...found.values()]
}

/** A value written for a test or an example, not a key: never counted. */
function isTestValue(value) {
  return TEST_VALUE.test(value) || ONE_CHARACTER.test(value)
}

/** A literal value, not a reference or placeholder. Unquoted ones need a digit (not `getKey`). */
function isLiteral(value, quoted) {
  if (value.length < 8 || PLACEHOLDER.test(value)) return false
  return quoted || /\d/.test(value)
}

// Site ids and Track keys are 20 hex characters and App keys 32: a value of another shape under
// those names cannot be one (a proxy token, a test fixture). Secrets and tokens have no shape.
const SHAPED = /(?:SITE_?ID|API_KEY|APP_KEY|TRACK_KEY)$/
function fitsShape(variable, value) {
  return !SHAPED.test(variable) || /^(?:[0-9a-fA-F]{20}|[0-9a-fA-F]{32})$/.test(value)
}

// All digits is a number, all letters a word: real keys have both (a key without either is
// about 1 in 10^8).
function isKeyLike(hex) {
  return /\d/.test(hex) && /[a-f]/i.test(hex)
}

function mask(secret) {
  return `${secret.slice(0, 4)}****`
}

module.exports = { detect, isTestValue, mask }
