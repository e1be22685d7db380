'use strict'

// Every answer the webhook adapters give instead of passing a delivery on, in one table: the
// status and the JSON body (`{ error }`, with a `message` where the app's developer has
// something to fix). Express, Fastify, node:http and the Web Request adapters all answer from
// here, so the four cannot drift apart (__test__/webhook/refusals-as-documented.test.mjs).

const { WEBHOOK_FAILURES } = require('./verify.js')

const WEBHOOK_METHOD = 'POST'

/** code -> [status, headers?]. Failure reasons of the verifier are 401. */
const TABLE = {
  METHOD_NOT_ALLOWED: [405, Object.freeze({ allow: WEBHOOK_METHOD })],
  IP_NOT_ALLOWED: [403],
  INVALID_JSON: [400],
  INVALID_EVENT: [400],
  REQUEST_ABORTED: [400],
  PAYLOAD_TOO_LARGE: [413],
  BODY_NOT_RAW: [500],
  INTERNAL_ERROR: [500],
  DEDUPE_UNAVAILABLE: [503],
  DELIVERY_IN_PROGRESS: [503],
  ...Object.fromEntries(WEBHOOK_FAILURES.map((reason) => [reason, [401]])),
}

const MESSAGES = {
  PAYLOAD_TOO_LARGE: (limit) => `customerio-security: the body is larger than the limit of ${limit} bytes`,
}

// Refusals without a message carry nothing per request: one frozen object each serves every call.
const FIXED = new Map(
  Object.entries(TABLE).map(([code, [status, headers]]) => [
    code,
    Object.freeze({ accepted: false, status, payload: Object.freeze({ error: code }), headers }),
  ]),
)

/**
 * The refusal `code` as `{ accepted: false, status, payload, headers }`; with `message`, the
 * payload is `{ error, message }`. Throws on a code not in the table: a typo must not become a 500.
 */
function refusal(code, message) {
  const fixed = FIXED.get(code)
  if (fixed === undefined) throw new Error(`customerio-security: no refusal ${code}`)
  if (message === undefined) return fixed
  return { accepted: false, status: fixed.status, payload: { error: code, message }, headers: fixed.headers }
}

/** 413 with the limit in its message. */
function tooLarge(limit) {
  return refusal('PAYLOAD_TOO_LARGE', MESSAGES.PAYLOAD_TOO_LARGE(limit))
}

/** A copy that was already handled: 200 `{ duplicate: true }`, so the sender stops retrying. */
const DUPLICATE = Object.freeze({ accepted: false, status: 200, payload: Object.freeze({ duplicate: true }) })

module.exports = { DUPLICATE, WEBHOOK_METHOD, refusal, tooLarge }
