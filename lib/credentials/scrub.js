'use strict'

// scrub(valueOrObject): a copy fit for a log line. Removes HTTP Basic and Bearer credentials,
// user:password in URLs, and the value of every SecretValue still alive (live-secrets.js),
// from strings and, deeply, from objects. Cycles become '[Circular]'; an object reached twice
// by different paths is copied once and shared, so a wide DAG cannot blow up the output.

const { REDACTED, SecretValue, revealSecret } = require('./secret-value.js')
const { liveValues } = require('./live-secrets.js')

const MAX_DEPTH = 64
// `Basic <base64>`: redacted only when it decodes to `user:password`, so the English word
// "Basic" followed by another word is left alone.
const BASIC = /\b(Basic)(\s+)([A-Za-z0-9+/]{4,}={0,2})(?![A-Za-z0-9+/=])/gi
// `Bearer <token>` (RFC 6750 token68 characters): any token of 8 or more characters.
const BEARER = /\b(Bearer)(\s+)([A-Za-z0-9\-._~+/]{8,}=*)/gi
// scheme://user:password@ -> scheme://[REDACTED]@
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@:]*:[^\s/?#@]*@/gi
// Header objects: the whole value of these keys goes, whatever its scheme.
const SECRET_KEYS = /^(proxy-)?authorization$/i

function scrub(value) {
  const secrets = liveValues(revealSecret)
  return copy(value, { secrets, ancestors: new Set(), done: new Map(), depth: 0 })
}

/** The string with credentials removed; `secrets` are the live values, longest first. */
function scrubString(text, secrets = liveValues(revealSecret)) {
  let out = text
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED)
  }
  out = out.replace(BASIC, (match, scheme, space, token) => (isBasicCredential(token) ? `${scheme}${space}${REDACTED}` : match))
  out = out.replace(BEARER, `$1$2${REDACTED}`)
  out = out.replace(URL_USERINFO, `$1${REDACTED}@`)
  return out
}

function isBasicCredential(token) {
  return Buffer.from(token, 'base64').toString('latin1').includes(':')
}

function copy(value, state) {
  if (typeof value === 'string') return scrubString(value, state.secrets)
  if (value === null || typeof value !== 'object') return value
  if (SecretValue.isSecretValue(value)) return REDACTED
  if (state.ancestors.has(value)) return '[Circular]'
  if (state.done.has(value)) return state.done.get(value)
  if (state.depth >= MAX_DEPTH) return '[Too deep]'
  state.ancestors.add(value)
  state.depth++
  try {
    const out = copyObject(value, state)
    state.done.set(value, out)
    return out
  } catch {
    // A getter or Proxy that throws: the log line says so instead of failing.
    return '[Unreadable]'
  } finally {
    state.ancestors.delete(value)
    state.depth--
  }
}

function copyObject(value, state) {
  if (Array.isArray(value)) return value.map((item) => copy(item, state))
  if (value instanceof Uint8Array) {
    // Secrets are text: latin1 keeps every byte as one char, so the rest is unchanged.
    return Buffer.from(scrubString(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'), state.secrets), 'latin1')
  }
  if (value instanceof Date) return new Date(value.getTime())
  if (value instanceof URL) return scrubString(value.href, state.secrets)
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [copy(k, state), isSecretKey(k) ? REDACTED : copy(v, state)]))
  }
  if (value instanceof Set) return new Set([...value].map((item) => copy(item, state)))
  // Everything else keeps its prototype (so an Error is still an Error to the logger), with its
  // own enumerable properties copied; an Error's message and stack are own but not enumerable.
  const out = Object.create(Object.getPrototypeOf(value))
  if (value instanceof Error) {
    for (const key of ['name', 'message', 'stack', 'cause']) {
      if (Object.hasOwn(value, key)) define(out, key, copy(value[key], state), false)
    }
  }
  for (const key of Object.keys(value)) {
    define(out, scrubString(key, state.secrets), isSecretKey(key) ? REDACTED : copy(value[key], state), true)
  }
  return out
}

function isSecretKey(key) {
  return typeof key === 'string' && SECRET_KEYS.test(key)
}

// defineProperty, not assignment: a key named __proto__ stays data, and a setter on the
// prototype is not run.
function define(target, key, value, enumerable) {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true })
}

module.exports = { scrub, scrubString }
