'use strict'

// Checks and normalizes what callers pass to the webhook API, so the native calls receive only
// strings, byte arrays and numbers. Misuse throws a coded TypeError; junk header values are
// never errors: they become a value the core reports as missing or malformed.

const { types } = require('node:util')

const { typeError } = require('../errors.js')
const { unwrapSecret } = require('../credentials/secret-value.js')

const native = require('../native.js')

const DEFAULT_TOLERANCE_SECONDS = 300
// The schemes' names by numeric code, from the core (one definition).
const SCHEMES = Object.freeze(native.webhookSchemes())
const SCHEME_V0 = SCHEMES.indexOf('v0')
const SCHEME_PIPELINES = SCHEMES.indexOf('pipelines')
// A header value no parser accepts: the core reports it as malformed.
const JUNK_HEADER = '\u0000'
// What a detached buffer (transferred to a worker, say) holds.
const EMPTY = new Uint8Array(0)
// Later than the year 5000 in seconds, but a plausible time in milliseconds.
const LARGEST_PLAUSIBLE_SECONDS = 1e11

function scheme(value) {
  if (value === undefined) return SCHEME_V0
  const code = typeof value === 'string' ? SCHEMES.indexOf(value) : -1
  if (code === -1) {
    throw typeError('ERR_INVALID_SCHEME', `scheme must be one of ${SCHEMES.map((name) => `'${name}'`).join(', ')}`)
  }
  return code
}

/** Seconds either way; Infinity turns the window off. 0 means 0, never "the default". */
function toleranceSeconds(value) {
  if (value === undefined) return DEFAULT_TOLERANCE_SECONDS
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw typeError(
      'ERR_INVALID_TOLERANCE',
      'toleranceSeconds must be a number >= 0 (Infinity turns the time window off)',
    )
  }
  return value === Infinity ? value : Math.floor(value)
}

/** Unix seconds; NaN tells the core to read the system clock. */
function now(value) {
  if (value === undefined) return NaN
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw typeError('ERR_INVALID_NOW', 'now must be unix seconds (a finite number >= 0)')
  }
  if (value > LARGEST_PLAUSIBLE_SECONDS) {
    throw typeError('ERR_INVALID_NOW', 'now must be unix seconds, not milliseconds (Date.now() / 1000)')
  }
  return value
}

/** A header as Node gives it: a string, an array for repeated headers, or nothing. */
function header(value) {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  // Node never hands over a Proxy (Array.isArray throws on a revoked one): junk, like any object.
  if (types.isProxy(value)) return JUNK_HEADER
  if (Array.isArray(value)) return repeatedHeader(value)
  return JUNK_HEADER
}

/** `X-CIO-Timestamp` may also be a number of seconds. */
function timestampHeader(value) {
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && value >= 0 ? String(value) : JUNK_HEADER
  }
  return header(value)
}

// A header sent twice with the same value is that value; with different values it is
// ambiguous, and picking one would let whoever added the other choose.
function repeatedHeader(values) {
  if (values.length === 0) return ''
  const first = values[0]
  if (typeof first !== 'string') return JUNK_HEADER
  for (let i = 1; i < values.length; i++) {
    if (values[i] !== first) return JUNK_HEADER
  }
  return first
}

/**
 * The raw body: bytes or text exactly as received. Views are told apart by their internal slots
 * (ArrayBuffer.isView, util.types), never by `instanceof` alone: a Proxy of a Buffer passes
 * `instanceof Uint8Array`, yet napi cannot read it, and a revoked one throws on the check.
 */
function body(value) {
  if (typeof value === 'string') return value
  if (ArrayBuffer.isView(value)) {
    if (value instanceof Uint8Array) return value
    // A DataView of a detached buffer throws on byteOffset; it holds nothing.
    if (value.buffer.byteLength === 0) return EMPTY
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  }
  if (types.isArrayBuffer(value)) return value.byteLength === 0 ? EMPTY : new Uint8Array(value)
  if (value !== null && typeof value === 'object' && !types.isProxy(value) && !types.isSharedArrayBuffer(value)) {
    throw typeError(
      'ERR_BODY_NOT_RAW',
      'body is a parsed object, but the signature covers the raw bytes: pass the body exactly as ' +
        "received (express.raw({ type: 'application/json' }), or keep req.rawBody with " +
        'express.json({ verify })). Re-serializing a parsed object changes the bytes.',
    )
  }
  throw typeError('ERR_INVALID_BODY', 'body must be a Buffer, Uint8Array or string (the raw request body)')
}

/** One secret or several (while keys rotate), as an array of strings and byte arrays. */
function secrets(value) {
  if (value === undefined || value === null) {
    throw typeError('ERR_MISSING_SECRET', 'a webhook signing secret is required')
  }
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) {
    throw typeError('ERR_MISSING_SECRET', 'the list of webhook signing secrets is empty')
  }
  return list.map(secret)
}

function secret(given, index = 0) {
  // A SecretValue from loadCredentials() is its text: `secret: credentials.webhookSecrets` works.
  const value = unwrapSecret(given)
  if (typeof value === 'string') {
    if (value.length === 0) throw emptySecret(index)
    if (value.trim() !== value) {
      throw typeError(
        'ERR_SECRET_WHITESPACE',
        `webhook secret #${index} starts or ends with whitespace (a trailing newline from a ` +
          'file or env var?); Customer.io signing keys have none',
      )
    }
    return value
  }
  // isView first: a Proxy of a Buffer passes instanceof but has no readable bytes.
  if (ArrayBuffer.isView(value) && value instanceof Uint8Array) {
    if (value.length === 0) throw emptySecret(index)
    return value
  }
  if (value === undefined || value === null) {
    throw typeError('ERR_MISSING_SECRET', `webhook secret #${index} is missing`)
  }
  throw typeError('ERR_INVALID_SECRET', `webhook secret #${index} must be a string, Buffer, Uint8Array or SecretValue`)
}

function emptySecret(index) {
  return typeError('ERR_EMPTY_SECRET', `webhook secret #${index} is empty`)
}

function object(value, what) {
  if (value === null || typeof value !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', `${what} must be an object`)
  }
  return value
}

module.exports = {
  DEFAULT_TOLERANCE_SECONDS,
  SCHEME_V0,
  SCHEME_PIPELINES,
  SCHEMES,
  body,
  header,
  now,
  object,
  scheme,
  secret,
  secrets,
  timestampHeader,
  toleranceSeconds,
}
