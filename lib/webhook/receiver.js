'use strict'

// The framework-free core of every webhook adapter (Express now; others build on it): options
// checked once, then per delivery the raw body and headers in, a decision out. Adapters only
// find the body, translate headers, and write the decision as their framework wants.

const { typeError } = require('../errors.js')
const { WebhookVerifier } = require('./verify.js')
const { parseLimit } = require('./raw-body.js')
const { NOOP, createDedupe } = require('./dedupe/index.js')
const { WEBHOOK_METHOD, refusal } = require('./refusals.js')
const opts = require('./options.js')
const { createEventRedactor } = require('./redact-event.js')

// Customer.io delivers with POST only. Any other method (a load balancer's GET or HEAD health
// check, a CORS preflight's OPTIONS, a stray PUT) is no delivery: it is refused as 405 before
// its body is read, so it is neither verified nor reported to onInvalid or the dedupe store,
// and cannot raise the alert on onInvalid that docs/webhooks.md and docs/security.md recommend.
const METHOD_NOT_ALLOWED = refusal('METHOD_NOT_ALLOWED')

/**
 * `null` for a POST; for any other method the refusal to answer, `{ accepted: false, status:
 * 405, payload, headers }`, before reading any body. Exact match: Node's parser and Fetch's
 * Request both give the method in upper case.
 */
function refuseMethod(method) {
  return method === WEBHOOK_METHOD ? null : METHOD_NOT_ALLOWED
}

/**
 * @returns {{ limit: number, decide(body, headers, request): Promise<Decision> }}
 * A Decision is `{ accepted: true, event, rawBody, webhook, complete }` or
 * `{ accepted: false, status, payload }` (payload is the JSON body to answer with).
 * `decide` rejects only for misuse or a failing secret provider, onInvalid or onDuplicate
 * callback: adapters pass that to the framework's error handling (never an accept).
 *
 * Every adapter MUST call `complete(statusCode)` once the app has answered an accepted delivery
 * (`0` if the connection closed with no answer). With `dedupe` on, a 2xx marks the event done
 * and anything else lets Customer.io's retry through (see dedupe/guard.js); without it, it does
 * nothing. It never rejects, so adapters need not await it.
 */
function createReceiver(options, what = 'customerioWebhook') {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', `${what} options must be an object`)
  }
  // Built now, so a missing or bad secret fails when the app starts, not on the first event.
  const verifier = new WebhookVerifier(options)
  const limit = parseLimit(options.limit)
  if (limit === null) {
    throw typeError('ERR_INVALID_LIMIT', "limit must be a byte count or a string such as '5mb'")
  }
  const onInvalid = options.onInvalid
  if (onInvalid !== undefined && typeof onInvalid !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'onInvalid must be a function')
  }
  const dedupe = createDedupe(options)
  // The Data Pipelines destination signs with X-Signature and sends a batch of events.
  const pipelines = opts.scheme(options.scheme) === opts.SCHEME_PIPELINES
  const redact = redactor(options.redact)

  async function decide(body, headers, request) {
    const verdict = verifier.verify({
      body,
      signature: pipelines ? headers['x-signature'] : headers['x-cio-signature'],
      timestamp: headers['x-cio-timestamp'],
    })
    if (!verdict.valid) {
      if (onInvalid !== undefined) onInvalid(verdict.reason, request)
      return refusal(verdict.reason)
    }
    const rawBody =
      typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    let event
    try {
      event = JSON.parse(rawBody.toString('utf8'))
    } catch {
      return refusal('INVALID_JSON')
    }
    // Every Customer.io event is a JSON object (a Data Pipelines batch an array of them, or an
    // object holding one). A signed `null`, string or number must not reach a handler typed for
    // an event (nor the dedupe store, which reads its id).
    const events = pipelines ? batchEvents(event) : singleEvent(event)
    if (events === null) return refusal('INVALID_EVENT')
    const webhook = { secretIndex: verdict.secretIndex, timestamp: verdict.timestamp }
    if (pipelines) webhook.events = events
    if (redact !== null) webhook.redacted = redact(event)
    const accepted = { accepted: true, event, rawBody, webhook, complete: NOOP }
    // Only verified deliveries reach the store: forged ones cannot fill it or claim keys.
    return dedupe === null ? accepted : dedupe.admit(accepted, headers, request)
  }

  return { limit, decide }
}

/** `[event]` for a JSON object, else null. */
function singleEvent(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? [value] : null
}

/**
 * The events of a Data Pipelines request: a JSON array of events, an object with a `batch`
 * array (the Segment batch format), or one event. Null when any of them is not an object.
 */
function batchEvents(value) {
  if (value === null || typeof value !== 'object') return null
  const list = Array.isArray(value) ? value : Array.isArray(value.batch) ? value.batch : [value]
  return list.every((item) => item !== null && typeof item === 'object' && !Array.isArray(item)) ? list : null
}

/** The `redact` option: false/undefined (none), true (no pepper) or redactEvent's options. */
function redactor(setting) {
  if (setting === undefined || setting === false) return null
  if (setting === true) return createEventRedactor()
  if (setting !== null && typeof setting === 'object') return createEventRedactor(setting)
  throw typeError('ERR_INVALID_ARGUMENT', 'redact must be true, false, or redactEvent options ({ pepper, keep })')
}

/**
 * Writes a JSON answer on a Node `ServerResponse` (Express's `res` is one), with `headers` (a
 * refusal's `Allow`) if given. To a HEAD request Node sends the headers only.
 */
function sendJson(res, status, payload, headers) {
  const text = JSON.stringify(payload)
  res.statusCode = status
  if (headers !== undefined) {
    for (const name of Object.keys(headers)) res.setHeader(name, headers[name])
  }
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', Buffer.byteLength(text))
  res.end(text)
}

/** Answers a refusal from `refuseMethod` on a Node `ServerResponse`. */
function sendRefusal(res, refusal) {
  sendJson(res, refusal.status, refusal.payload, refusal.headers)
}

module.exports = { WEBHOOK_METHOD, createReceiver, refuseMethod, sendJson, sendRefusal }
