// A genuine delivery signed by node:crypto, and a checker that runs one input through both
// verifyWebhook and a WebhookVerifier so every failure test also proves the two agree.
import assert from 'node:assert/strict'

import { CustomerioSecurityTypeError, verifyWebhook, WebhookVerifier } from '../../index.js'
import { nodeV0Signature } from './webhook-oracle.mjs'

export const SECRET = 'failures-test-secret'
export const NOW = 1_700_000_000
export const TS = String(NOW)
export const BODY = Buffer.from('{"event_id":"01E4C4C6P79C12J5A6KPE6XNFD","object_type":"email","metric":"sent"}')
export const SIG = nodeV0Signature(SECRET, TS, BODY)

/** A valid delivery for `secret`, signed by node:crypto at `timestamp`, checked at NOW. */
export function delivery({ timestamp = TS, body = BODY, secret = SECRET } = {}) {
  return { body, secret, signature: nodeV0Signature(secret, timestamp, body), timestamp, now: NOW }
}

/** verifyWebhook(input), after checking a WebhookVerifier built from the same options agrees. */
export function verifyBoth(input) {
  const { secret, toleranceSeconds, scheme, ...rest } = input
  const expected = verifyWebhook(input)
  const actual = new WebhookVerifier({ secret, toleranceSeconds, scheme }).verify(rest)
  assert.deepEqual(actual, expected, 'WebhookVerifier disagrees with verifyWebhook')
  return expected
}

/** Asserts `fn` throws a CustomerioSecurityTypeError (a TypeError) with this stable code. */
export function assertMisuse(fn, code) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof CustomerioSecurityTypeError, `not a CustomerioSecurityTypeError: ${error}`)
    assert.ok(error instanceof TypeError)
    assert.equal(error.code, code)
    assert.match(error.message, /^customerio-security: /)
    return true
  })
}
