'use strict'

// scrub(valueOrObject): a copy fit for a log line. Removes HTTP Basic and Bearer credentials,
// user:password in URLs, the values of URL parameters that carry credentials (`?api_key=...`,
// `access_token`, presigned URLs' `X-Amz-Signature`; in absolute and relative URLs, fragments,
// URLs nested in a parameter, percent-encoded or not), and the value of every SecretValue still alive (live-secrets.js),
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
// scheme://<anything up to whitespace or a quote>: the userinfo is cut out of it by urlUserinfo().
// The scheme is at most 32 characters (RFC 3986 sets no bound; none in use comes near): unbounded,
// a long run of letters and dots would be tried from each of its positions.
const URL_TOKEN = /\b([a-z][a-z0-9+.-]{0,31}:\/\/)([^\s"'<>`]+)/gi
// A URL parameter: what starts it (the start of the text, ? & # or ;), its name, = and its value,
// up to the next parameter, a nested URL's query or what ends a URL (percent-encoded characters
// are part of the value: `token=a%26b` is one value).
const PARAM = /(^|[?&#;])([A-Za-z0-9_.+%-]{1,100})(=)([^&#;?\s"'<>`]*)/g
// The same percent-encoded, as in a URL nested in another's parameter (`next=https%3A%2F%2Fy%2Fcb%3Ftoken%3D...`):
// the value ends at the next encoded separator.
const ENCODED_PARAM =
  /(%3[Ff]|%26|%23|%3[Bb])([A-Za-z0-9_.+-]{1,100})(%3[Dd])((?:[^&#;?%\s"'<>`]|%(?!3[FfBbDd]|26|23))*)/g
// Punctuation a sentence puts after a URL, `(see https://x/?token=abc).`: not part of the value.
const TRAILING_PUNCTUATION = /[)\].,!:]+$/
// Keys whose whole value goes, whatever it looks like: headers (Authorization, Cookie,
// X-API-Key...), and the fields that hold credentials in client configs and errors (axios'
// `config.auth.password`, `client_secret`, `access_token`). Compared without case, `-` or `_`.
const SECRET_KEYS = new Set([
  'authorization',
  'proxyauthorization',
  'cookie',
  'setcookie',
  'xapikey',
  'apikey',
  'apisecret',
  'xauthtoken',
  'authtoken',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'sessiontoken',
  'bearertoken',
  'apitoken',
  'privatetoken',
  'sessionid',
  'jwt',
  'pwd',
  'secretaccesskey',
  'password',
  'passwd',
  'secret',
  'clientsecret',
  'webhooksecret',
  'signingkey',
  'privatekey',
  'trackapikey',
  'appapikey',
])

// Query parameters whose value goes, beside SECRET_KEYS: the names credentials travel under in
// URLs (Google's `key`, OAuth's `code`, signed URLs' signatures and credentials).
const URL_SECRET_PARAMS = new Set([
  ...SECRET_KEYS,
  'key',
  'auth',
  'code',
  'sig',
  'signature',
  'xamzsignature',
  'xamzcredential',
  'xamzsecuritytoken',
  'xgoogsignature',
  'xgoogcredential',
])

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
  out = out.replace(BASIC, (match, scheme, space, token) =>
    isBasicCredential(token) ? `${scheme}${space}${REDACTED}` : match,
  )
  out = out.replace(BEARER, `$1$2${REDACTED}`)
  out = out.replace(URL_TOKEN, urlUserinfo)
  out = out.replace(PARAM, urlParameter)
  out = out.replace(ENCODED_PARAM, urlParameter)
  return out
}

/**
 * A URL parameter with its value redacted when its name is a credential's (`?api_key=[REDACTED]`):
 * names compared as isSecretKey does, after percent-decoding. Trailing sentence punctuation stays.
 */
function urlParameter(match, start, name, equals, value) {
  // Empty, or already cut (a live secret's value): nothing to add.
  if (value === '' || value.startsWith(REDACTED)) return match
  if (!URL_SECRET_PARAMS.has(normalizeKey(decodeName(name)))) return match
  const punctuation = TRAILING_PUNCTUATION.exec(value)?.[0] ?? ''
  return `${start}${name}${equals}${REDACTED}${punctuation}`
}

function decodeName(name) {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '))
  } catch {
    return name
  }
}

function normalizeKey(key) {
  return key.toLowerCase().replace(/[-_\s]/g, '')
}

/**
 * `scheme://userinfo@host...` with the userinfo replaced. A password may hold `@`, `#` or `/`, so
 * the userinfo ends at the token's last `@`, unless the part before its first `:` already holds
 * `/`, `?` or `#` (then that `@` is in a path or query: `https://host/p?email=a@b`), or what follows
 * the `:` is a port (`https://host:8080/x@y`). A token without `:` (`https://ghp_token@host`) goes
 * too. When unsure it errs towards cutting more of a log line, never less.
 */
function urlUserinfo(match, scheme, rest) {
  const at = rest.lastIndexOf('@')
  if (at <= 0) return match
  const userinfo = rest.slice(0, at)
  const colon = userinfo.indexOf(':')
  const user = colon === -1 ? userinfo : userinfo.slice(0, colon)
  if (/[/?#]/.test(user)) return match
  if (colon !== -1 && /^\d*(?:[/?#]|$)/.test(userinfo.slice(colon + 1)) && /[/?#]/.test(userinfo)) return match
  return `${scheme}${REDACTED}${rest.slice(at)}`
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
    return Buffer.from(
      scrubString(Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1'), state.secrets),
      'latin1',
    )
  }
  if (value instanceof Date) return new Date(value.getTime())
  if (value instanceof URL) return scrubString(value.href, state.secrets)
  // Web API objects keep their data in internal slots: a copy with their prototype would throw
  // when logged. They become plain objects of what a log needs.
  if (typeof Headers === 'function' && value instanceof Headers) return plainHeaders(value, state)
  if (value instanceof URLSearchParams) return plainParams(value, state)
  if (typeof Blob === 'function' && value instanceof Blob)
    return `[${value.constructor?.name ?? 'Blob'}: ${value.size} bytes]`
  if (typeof FormData === 'function' && value instanceof FormData) {
    return plainParams(
      mapEntries(value, (v) => (typeof v === 'string' ? v : `[File: ${v.size} bytes]`)),
      state,
    )
  }
  if (typeof Request === 'function' && value instanceof Request) {
    return {
      method: value.method,
      url: scrubString(value.url, state.secrets),
      headers: plainHeaders(value.headers, state),
    }
  }
  if (typeof Response === 'function' && value instanceof Response) {
    return {
      status: value.status,
      statusText: value.statusText,
      url: scrubString(value.url, state.secrets),
      headers: plainHeaders(value.headers, state),
    }
  }
  if (value instanceof Map) {
    return new Map([...value].map(([k, v]) => [copy(k, state), secretField(k, v) ? REDACTED : copy(v, state)]))
  }
  if (value instanceof Set) return new Set([...value].map((item) => copy(item, state)))
  // Everything else keeps its prototype (so an Error is still an Error to the logger), with its
  // own enumerable properties copied; an Error's message and stack are own but not enumerable.
  // A built-in's instance (internal slots: FormData, Blob, a typed array's cousins) would break
  // with its prototype and no slots: it becomes a plain object of its own properties.
  const proto = Object.getPrototypeOf(value)
  const out = value instanceof Error || !isBuiltInInstance(proto) ? Object.create(proto) : {}
  if (value instanceof Error) {
    for (const key of ['name', 'message', 'stack', 'cause']) {
      if (Object.hasOwn(value, key)) define(out, key, copy(value[key], state), false)
    }
  }
  for (const key of Object.keys(value)) {
    define(
      out,
      scrubString(key, state.secrets),
      secretField(key, value[key]) ? REDACTED : copy(value[key], state),
      true,
    )
  }
  return out
}

function plainHeaders(headers, state) {
  const out = {}
  for (const [name, text] of headers)
    define(out, name, isSecretKey(name) ? REDACTED : scrubString(text, state.secrets), true)
  return out
}

function mapEntries(entries, mapValue) {
  return [...entries].map(([name, v]) => [name, mapValue(v)])
}

function plainParams(params, state) {
  const out = {}
  for (const [name, text] of params) {
    const clean = isSecretKey(name) ? REDACTED : scrubString(text, state.secrets)
    const key = scrubString(name, state.secrets)
    if (!Object.hasOwn(out, key)) define(out, key, clean, true)
    else define(out, key, [].concat(out[key], clean), true)
  }
  return out
}

function isSecretKey(key) {
  return typeof key === 'string' && SECRET_KEYS.has(normalizeKey(key))
}

/** A key whose value goes whole; also `auth: 'user:password'` (node:http's request option). */
function secretField(key, value) {
  if (isSecretKey(key)) return true
  return typeof key === 'string' && key.toLowerCase() === 'auth' && typeof value === 'string' && value.includes(':')
}

// Objects of classes the platform defines (their constructor is native code), other than plain
// objects and arrays (handled before): their state is in internal slots, not own properties.
function isBuiltInInstance(proto) {
  if (proto === null || proto === Object.prototype) return false
  const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value
  if (typeof ctor !== 'function') return false
  try {
    return /\{\s*\[native code\]\s*\}$/.test(Function.prototype.toString.call(ctor))
  } catch {
    return false
  }
}

// defineProperty, not assignment: a key named __proto__ stays data, and a setter on the
// prototype is not run.
function define(target, key, value, enumerable) {
  Object.defineProperty(target, key, { value, enumerable, writable: true, configurable: true })
}

module.exports = { scrub, scrubString }
