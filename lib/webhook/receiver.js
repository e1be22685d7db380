'use strict'

// The framework-free core of every webhook adapter (Express now; others build on it): options
// checked once, then per delivery the raw body and headers in, a decision out. Adapters only
// find the body, translate headers, and write the decision as their framework wants.

const { typeError } = require('../errors.js')
const { WebhookVerifier } = require('./verify.js')
const { parseLimit } = require('./raw-body.js')
const { NOOP, createDedupe } = require('./dedupe/index.js')

// Customer.io delivers with POST only. Any other method (a load balancer's GET or HEAD health
// check, a CORS preflight's OPTIONS, a stray PUT) is no delivery: it is refused as 405 before
// its body is read, so it is neither verified nor reported to onInvalid or the dedupe store,
// and cannot raise the alert on onInvalid that the README recommends. One frozen answer,
// written by each adapter as is, so all four answer alike.
const WEBHOOK_METHOD = 'POST'
const METHOD_NOT_ALLOWED = Object.freeze({
  accepted: false,
  status: 405,
  payload: Object.freeze({ error: 'METHOD_NOT_ALLOWED' }),
  headers: Object.freeze({ allow: WEBHOOK_METHOD }),
})

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

  async function decide(body, headers, request) {
    const verdict = verifier.verify({
      body,
      signature: headers['x-cio-signature'],
      timestamp: headers['x-cio-timestamp'],
    })
    if (!verdict.valid) {
      if (onInvalid !== undefined) onInvalid(verdict.reason, request)
      return { accepted: false, status: 401, payload: { error: verdict.reason } }
    }
    const rawBody = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
    let event
    try {
      event = JSON.parse(rawBody.toString('utf8'))
    } catch {
      return { accepted: false, status: 400, payload: { error: 'INVALID_JSON' } }
    }
    // Every Customer.io event is a JSON object. A signed `null`, array, string or number must not
    // reach a handler typed for an event (nor the dedupe store, which reads its event_id).
    if (event === null || typeof event !== 'object' || Array.isArray(event)) {
      return { accepted: false, status: 400, payload: { error: 'INVALID_EVENT' } }
    }
    const accepted = {
      accepted: true,
      event,
      rawBody,
      webhook: { secretIndex: verdict.secretIndex, timestamp: verdict.timestamp },
      complete: NOOP,
    }
    // Only verified deliveries reach the store: forged ones cannot fill it or claim keys.
    return dedupe === null ? accepted : dedupe.admit(accepted, headers, request)
  }

  return { limit, decide }
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
