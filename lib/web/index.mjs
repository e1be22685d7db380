// customerio-security/web: the webhook verifier for runtimes without native addons (Cloudflare
// Workers, Vercel Edge, Deno Deploy, browsers' service workers), on WebCrypto only. The same
// inputs, results and failure reasons as the native verifier, checked in the same order; the
// tests compare the two on random inputs. No Node built-ins, no Buffer, no addon: only
// `crypto.subtle`, `TextEncoder`, `Request` and `Response`.
//
// The failure reasons are the core's (a test checks this list equals the native export): the
// one table that cannot be read from Rust here, since no addon loads.

export const WEBHOOK_FAILURES = Object.freeze([
  'MISSING_SIGNATURE',
  'MISSING_TIMESTAMP',
  'MALFORMED_SIGNATURE',
  'MALFORMED_TIMESTAMP',
  'TIMESTAMP_TOO_OLD',
  'TIMESTAMP_TOO_NEW',
  'SIGNATURE_MISMATCH',
])

const SCHEMES = {
  v0: { hash: 'SHA-256', hexLength: 64, header: 'x-cio-signature', signsTimestamp: true },
  body: { hash: 'SHA-256', hexLength: 64, header: 'x-cio-signature', signsTimestamp: false },
  pipelines: { hash: 'SHA-1', hexLength: 40, header: 'x-signature', signsTimestamp: false },
}
const DEFAULT_TOLERANCE_SECONDS = 300
const MAX_TIMESTAMP_DIGITS = 12
const LARGEST_PLAUSIBLE_SECONDS = 1e11
const DEFAULT_LIMIT = 5 * 1024 * 1024
const JUNK = '\u0000'
const encoder = new TextEncoder()

/** A misuse of the API, with a stable `code` (as the native entry point's TypeErrors). */
export class CustomerioSecurityTypeError extends TypeError {
  constructor(code, message) {
    super(`customerio-security: ${message}`)
    this.name = 'CustomerioSecurityTypeError'
    this.code = code
  }
}

function misuse(code, message) {
  return new CustomerioSecurityTypeError(code, message)
}

function schemeOf(value) {
  const name = value === undefined ? 'v0' : value
  if (typeof name !== 'string' || !Object.hasOwn(SCHEMES, name)) {
    throw misuse('ERR_INVALID_SCHEME', "scheme must be one of 'v0', 'body', 'pipelines'")
  }
  return SCHEMES[name]
}

function toleranceOf(value) {
  if (value === undefined) return DEFAULT_TOLERANCE_SECONDS
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw misuse('ERR_INVALID_TOLERANCE', 'toleranceSeconds must be a number >= 0 (Infinity turns the time window off)')
  }
  return value === Infinity ? value : Math.floor(value)
}

function nowOf(value) {
  if (value === undefined) return Math.floor(Date.now() / 1000)
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw misuse('ERR_INVALID_NOW', 'now must be unix seconds (a finite number >= 0)')
  }
  if (value > LARGEST_PLAUSIBLE_SECONDS) {
    throw misuse('ERR_INVALID_NOW', 'now must be unix seconds, not milliseconds (Date.now() / 1000)')
  }
  return Math.floor(value)
}

/** A header value: a string, a list (the same value twice is that value), else junk. */
function headerOf(value) {
  if (typeof value === 'string') return value
  if (value === undefined || value === null) return ''
  if (Array.isArray(value)) {
    if (value.length === 0) return ''
    const first = value[0]
    return typeof first === 'string' && value.every((item) => item === first) ? first : JUNK
  }
  return JUNK
}

function timestampOf(value) {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : JUNK
  return headerOf(value)
}

function bodyOf(value) {
  if (typeof value === 'string') return encoder.encode(value)
  if (value instanceof Uint8Array) return value
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength)
  if (value instanceof ArrayBuffer) return new Uint8Array(value)
  if (value !== null && typeof value === 'object') {
    throw misuse(
      'ERR_BODY_NOT_RAW',
      'body is a parsed object, but the signature covers the raw bytes: pass the body exactly as received',
    )
  }
  throw misuse('ERR_INVALID_BODY', 'body must be a Uint8Array, ArrayBuffer or string (the raw request body)')
}

function secretsOf(value) {
  if (value === undefined || value === null) throw misuse('ERR_MISSING_SECRET', 'a webhook signing secret is required')
  const list = Array.isArray(value) ? value : [value]
  if (list.length === 0) throw misuse('ERR_MISSING_SECRET', 'the list of webhook signing secrets is empty')
  return list.map((secret, index) => {
    const given =
      secret !== null && typeof secret === 'object' && typeof secret.reveal === 'function' ? secret.reveal() : secret
    if (typeof given === 'string') {
      if (given.length === 0) throw misuse('ERR_EMPTY_SECRET', `webhook secret #${index} is empty`)
      if (given.trim() !== given) {
        throw misuse(
          'ERR_SECRET_WHITESPACE',
          `webhook secret #${index} starts or ends with whitespace (a trailing newline from a file or env var?); Customer.io signing keys have none`,
        )
      }
      return encoder.encode(given)
    }
    if (given instanceof Uint8Array) {
      if (given.length === 0) throw misuse('ERR_EMPTY_SECRET', `webhook secret #${index} is empty`)
      return given
    }
    if (given === undefined || given === null) throw misuse('ERR_MISSING_SECRET', `webhook secret #${index} is missing`)
    throw misuse('ERR_INVALID_SECRET', `webhook secret #${index} must be a string, Uint8Array or SecretValue`)
  })
}

/** `length` hex characters as bytes, or null (either case; nothing else allowed). */
function hexBytes(text, length) {
  if (text.length !== length) return null
  const out = new Uint8Array(length / 2)
  for (let i = 0; i < out.length; i++) {
    const high = hexDigit(text.charCodeAt(2 * i))
    const low = hexDigit(text.charCodeAt(2 * i + 1))
    if (high < 0 || low < 0) return null
    out[i] = (high << 4) | low
  }
  return out
}

function hexDigit(code) {
  if (code >= 48 && code <= 57) return code - 48
  if (code >= 97 && code <= 102) return code - 87
  if (code >= 65 && code <= 70) return code - 55
  return -1
}

/** Decimal unix seconds, digits only, at most 12 of them; null otherwise. */
function secondsOf(text) {
  if (text.length === 0 || text.length > MAX_TIMESTAMP_DIGITS) return null
  let seconds = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 48 || code > 57) return null
    seconds = seconds * 10 + (code - 48)
  }
  return seconds
}

function signedBytes(scheme, timestamp, body) {
  if (!scheme.signsTimestamp) return body
  const prefix = encoder.encode(`v0:${timestamp}:`)
  const out = new Uint8Array(prefix.length + body.length)
  out.set(prefix)
  out.set(body, prefix.length)
  return out
}

function importKey(secret, hash) {
  return crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash }, false, ['sign', 'verify'])
}

const FAILED = Object.fromEntries(WEBHOOK_FAILURES.map((reason) => [reason, Object.freeze({ valid: false, reason })]))

/**
 * Verifies one delivery: resolves `{ valid: true, secretIndex, timestamp }` or `{ valid: false,
 * reason }`, as the native `verifyWebhook` returns them. Rejects only for misuse.
 */
export async function verifyWebhook(input) {
  if (input === null || typeof input !== 'object')
    throw misuse('ERR_INVALID_ARGUMENT', 'verifyWebhook input must be an object')
  const scheme = schemeOf(input.scheme)
  const tolerance = toleranceOf(input.toleranceSeconds)
  const now = nowOf(input.now)
  const body = bodyOf(input.body)
  const signature = headerOf(input.signature)
  const timestamp = timestampOf(input.timestamp)
  const secrets = secretsOf(input.secret)
  if (signature === '') return FAILED.MISSING_SIGNATURE
  if (scheme.signsTimestamp && timestamp === '') return FAILED.MISSING_TIMESTAMP
  const expected = hexBytes(signature, scheme.hexLength)
  if (expected === null) return FAILED.MALFORMED_SIGNATURE
  let seconds = null
  if (scheme.signsTimestamp) {
    seconds = secondsOf(timestamp)
    if (seconds === null) return FAILED.MALFORMED_TIMESTAMP
    if (tolerance !== Infinity) {
      if (seconds + tolerance < now) return FAILED.TIMESTAMP_TOO_OLD
      if (seconds > now + tolerance) return FAILED.TIMESTAMP_TOO_NEW
    }
  }
  const data = signedBytes(scheme, timestamp, body)
  for (let index = 0; index < secrets.length; index++) {
    const key = await importKey(secrets[index], scheme.hash)
    // subtle.verify compares the MAC in constant time.
    if (await crypto.subtle.verify('HMAC', key, expected, data))
      return { valid: true, secretIndex: index, timestamp: seconds }
  }
  return FAILED.SIGNATURE_MISMATCH
}

/** The headers Customer.io would send with `body` (`{ 'x-signature' }` for `scheme: 'pipelines'`). */
export async function signWebhook(body, secret, options = {}) {
  const scheme = schemeOf(options.scheme)
  const timestamp = options.timestamp === undefined ? Math.floor(Date.now() / 1000) : options.timestamp
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw misuse('ERR_INVALID_TIMESTAMP', 'timestamp must be whole unix seconds >= 0')
  const [key] = secretsOf(secret)
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      'HMAC',
      await importKey(key, scheme.hash),
      signedBytes(scheme, String(timestamp), bodyOf(body)),
    ),
  )
  const hex = Array.from(mac, (byte) => byte.toString(16).padStart(2, '0')).join('')
  if (scheme === SCHEMES.pipelines) return { 'x-signature': hex }
  return { 'x-cio-timestamp': String(timestamp), 'x-cio-signature': hex }
}

function json(status, payload, headers = {}, headOnly = false) {
  return new Response(headOnly ? null : JSON.stringify(payload), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  })
}

// Headers joins a repeated header into "a, b"; hex and digits hold no comma, so splitting gives
// the copies back (equal copies are that value, different ones malformed), as the native adapter.
function distinct(value) {
  if (value === null) return undefined
  return value.includes(',') ? value.split(',').map((part) => part.trim()) : value
}

function limitOf(value) {
  if (value === undefined) return DEFAULT_LIMIT
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value
  throw misuse('ERR_INVALID_LIMIT', 'limit must be a byte count')
}

async function readBody(request, limit) {
  const declared = request.headers.get('content-length')
  const tooLarge = () =>
    json(413, {
      error: 'PAYLOAD_TOO_LARGE',
      message: `customerio-security: the body is larger than the limit of ${limit} bytes`,
    })
  if (declared !== null && Number(declared) > limit) return { response: tooLarge() }
  if (request.bodyUsed) {
    return {
      response: json(500, {
        error: 'BODY_NOT_RAW',
        message:
          'customerio-security: the request body was already read, and the signature covers the raw bytes. Verify the request before calling request.json(), text() or formData().',
      }),
    }
  }
  if (request.body === null) return { body: new Uint8Array(0) }
  const reader = request.body.getReader()
  const chunks = []
  let length = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.byteLength
      if (length > limit) {
        await reader.cancel().catch(() => {})
        return { response: tooLarge() }
      }
      chunks.push(value)
    }
  } catch {
    return {
      response: json(400, {
        error: 'REQUEST_ABORTED',
        message: 'customerio-security: the request body could not be read',
      }),
    }
  } finally {
    reader.releaseLock()
  }
  const body = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    body.set(chunk, offset)
    offset += chunk.byteLength
  }
  return { body }
}

function eventsOf(value, pipelines) {
  if (value === null || typeof value !== 'object') return null
  if (!pipelines) return Array.isArray(value) ? null : [value]
  const list = Array.isArray(value) ? value : Array.isArray(value.batch) ? value.batch : [value]
  return list.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) ? list : null
}

/**
 * Verifies a Web `Request`: resolves `{ ok: true, event, rawBody, webhook }` or `{ ok: false,
 * response }` (a ready JSON answer: 405, 413, 401 with the reason, 400), as the native
 * `verifyWebhookRequest` does, without `dedupe` (which needs a store the edge does not give).
 */
export async function verifyWebhookRequest(request, options) {
  if (options === null || typeof options !== 'object') throw misuse('ERR_INVALID_ARGUMENT', 'options must be an object')
  const scheme = schemeOf(options.scheme)
  secretsOf(typeof options.secret === 'function' ? options.secret() : options.secret)
  if (options.dedupe !== undefined && options.dedupe !== false) {
    throw misuse(
      'ERR_INVALID_DEDUPE',
      'dedupe needs a store: use the Node entry point, or de-duplicate by event_id in your own storage',
    )
  }
  const limit = limitOf(options.limit)
  if (request.method !== 'POST') {
    return {
      ok: false,
      response: json(405, { error: 'METHOD_NOT_ALLOWED' }, { allow: 'POST' }, request.method === 'HEAD'),
    }
  }
  const read = await readBody(request, limit)
  if (read.response !== undefined) return { ok: false, response: read.response }
  const verdict = await verifyWebhook({
    body: read.body,
    signature: distinct(request.headers.get(scheme.header)),
    timestamp: distinct(request.headers.get('x-cio-timestamp')),
    secret: typeof options.secret === 'function' ? options.secret() : options.secret,
    scheme: options.scheme,
    toleranceSeconds: options.toleranceSeconds,
  })
  if (!verdict.valid) {
    if (typeof options.onInvalid === 'function') options.onInvalid(verdict.reason, request)
    return { ok: false, response: json(401, { error: verdict.reason }) }
  }
  let event
  try {
    event = JSON.parse(new TextDecoder().decode(read.body))
  } catch {
    return { ok: false, response: json(400, { error: 'INVALID_JSON' }) }
  }
  const events = eventsOf(event, scheme === SCHEMES.pipelines)
  if (events === null) return { ok: false, response: json(400, { error: 'INVALID_EVENT' }) }
  const webhook = { secretIndex: verdict.secretIndex, timestamp: verdict.timestamp }
  if (scheme === SCHEMES.pipelines) webhook.events = events
  return { ok: true, event, rawBody: read.body, webhook }
}

/**
 * `(request) => Promise<Response>` for a Worker's `fetch` or a route: refusals answered,
 * `onEvent(event, { rawBody, webhook, request })` called for verified deliveries; its Response
 * (or 200 `{"ok":true}`) is the answer. A throwing onEvent gives 500 `{"error":"INTERNAL_ERROR"}`.
 */
export function customerioFetchHandler(options, onEvent) {
  if (typeof onEvent !== 'function')
    throw misuse('ERR_INVALID_ARGUMENT', 'customerioFetchHandler needs an onEvent function')
  return async function handle(request) {
    const result = await verifyWebhookRequest(request, options)
    if (!result.ok) return result.response
    try {
      const answer = await onEvent(result.event, { rawBody: result.rawBody, webhook: result.webhook, request })
      return answer instanceof Response ? answer : json(200, { ok: true })
    } catch {
      return json(500, { error: 'INTERNAL_ERROR' })
    }
  }
}
