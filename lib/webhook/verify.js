'use strict'

const { inspect } = require('node:util')

const native = require('../native.js')
const { typeError } = require('../errors.js')
const opts = require('./options.js')
const { unwrapSecret } = require('../credentials/secret-value.js')

/** Every reason a delivery is refused, in the order of the core's failure codes (from the core). */
const WEBHOOK_FAILURES = Object.freeze(native.webhookFailures())

// Failures carry no per-request data, so one frozen object per reason serves every call.
const FAILURE_RESULTS = [null, ...WEBHOOK_FAILURES.map((reason) => Object.freeze({ valid: false, reason }))]

function result(code, timestamp, scheme) {
  if (code >= 0) {
    return { valid: true, secretIndex: code, timestamp: scheme === opts.SCHEME_V0 ? Number(timestamp) : null }
  }
  return FAILURE_RESULTS[-code]
}

/**
 * Verifies one delivery. Never throws for anything a sender controls (headers, body bytes);
 * throws a coded TypeError for misuse (no secret, a parsed body, bad options).
 */
function verifyWebhook(input) {
  opts.object(input, 'verifyWebhook input')
  const scheme = opts.scheme(input.scheme)
  const tolerance = opts.toleranceSeconds(input.toleranceSeconds)
  const now = opts.now(input.now)
  const body = opts.body(input.body)
  const signature = opts.header(input.signature)
  const timestamp = opts.timestampHeader(input.timestamp)
  const secret = unwrapSecret(input.secret)
  let code
  if (typeof secret === 'string' && secret === lastSecret) {
    code = native.webhookVerify(lastKeyring, body, signature, timestamp, scheme, tolerance, now)
  } else if (typeof secret === 'string') {
    lastKeyring = native.webhookKeyring([opts.secret(secret)])
    lastSecret = secret
    code = native.webhookVerify(lastKeyring, body, signature, timestamp, scheme, tolerance, now)
  } else if (Array.isArray(secret)) {
    const keyring = native.webhookKeyring(opts.secrets(secret))
    code = native.webhookVerify(keyring, body, signature, timestamp, scheme, tolerance, now)
  } else {
    code = native.webhookVerifyOnce(opts.secret(secret), body, signature, timestamp, scheme, tolerance, now)
  }
  return result(code, timestamp, scheme)
}

// A service calls verifyWebhook with the same secret string on every request: keeping the
// keyed HMAC state of the last one saves re-keying (two SHA-256 blocks) per call. Only strings
// are cached: they are immutable, while a Buffer could change under the cache.
let lastSecret
let lastKeyring

/**
 * The headers Customer.io would send with `body`: for tests of a receiver, and for services
 * that sign their own deliveries.
 */
function signWebhook(body, secret, options = {}) {
  opts.object(options, 'signWebhook options')
  const scheme = opts.scheme(options.scheme)
  const timestamp = options.timestamp === undefined ? Math.floor(Date.now() / 1000) : options.timestamp
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw typeError('ERR_INVALID_TIMESTAMP', 'timestamp must be whole unix seconds >= 0')
  }
  const text = String(timestamp)
  if (scheme === opts.SCHEME_PIPELINES) {
    // The Data Pipelines destination sends the HMAC-SHA1 of the body alone, and no timestamp.
    return { 'x-signature': native.webhookSign(opts.secret(secret), opts.body(body), '', scheme) }
  }
  return {
    'x-cio-timestamp': text,
    'x-cio-signature': native.webhookSign(opts.secret(secret), opts.body(body), text, scheme),
  }
}

/**
 * A verifier configured once, with each secret's HMAC keyed up front. `secret` may be a
 * function returning the current secret(s), so a rotated key takes effect without a restart.
 */
class WebhookVerifier {
  #scheme
  #tolerance
  #source
  #current
  #keyring

  constructor(options) {
    opts.object(options, 'WebhookVerifier options')
    this.#scheme = opts.scheme(options.scheme)
    this.#tolerance = opts.toleranceSeconds(options.toleranceSeconds)
    if (typeof options.secret === 'function') {
      this.#source = options.secret
      this.#refresh()
    } else {
      this.#keyring = native.webhookKeyring(opts.secrets(options.secret))
    }
  }

  verify(input) {
    opts.object(input, 'verify input')
    if (this.#source !== undefined) this.#refresh()
    const timestamp = opts.timestampHeader(input.timestamp)
    const code = native.webhookVerify(
      this.#keyring,
      opts.body(input.body),
      opts.header(input.signature),
      timestamp,
      this.#scheme,
      this.#tolerance,
      opts.now(input.now),
    )
    return result(code, timestamp, this.#scheme)
  }

  // Re-keys only when the provider returns different secrets, so calling it per request is cheap.
  #refresh() {
    const secrets = opts.secrets(this.#source())
    if (this.#current !== undefined && sameSecrets(secrets, this.#current)) return
    this.#keyring = native.webhookKeyring(secrets)
    // A private copy: a caller mutating its Buffer in place must still be noticed next time.
    this.#current = secrets.map((s) => (typeof s === 'string' ? s : Uint8Array.from(s)))
  }

  [inspect.custom]() {
    return 'WebhookVerifier { secrets: [REDACTED] }'
  }

  toJSON() {
    return { secrets: '[REDACTED]' }
  }
}

function sameSecrets(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    const x = a[i]
    const y = b[i]
    if (typeof x === 'string' || typeof y === 'string') {
      if (x !== y) return false
    } else if (Buffer.compare(x, y) !== 0) {
      return false
    }
  }
  return true
}

module.exports = { WEBHOOK_FAILURES, WebhookVerifier, signWebhook, verifyWebhook }
