// What the Fastify, node:http and Web Request adapter tests share with the Express tests' ideas:
// random demo keys, a spec event serialized with unusual whitespace (so only the raw bytes
// verify), signed headers, and the shape of a refusal.

import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'

import { signWebhook } from '../../index.js'
import { cryptoSignature, nowSeconds } from './express-client.mjs'

// Random per run, never printed.
export const SECRET = randomBytes(32).toString('hex')
export const OTHER_SECRET = randomBytes(32).toString('hex')

// An `email_sent` event from Customer.io's reporting-webhook spec.
export const EVENT = {
  metric: 'sent',
  event_id: '01E4C4CT6YDC7Y5M7FE1GWWPQJ',
  object_type: 'email',
  timestamp: 1613063089,
  data: {
    action_id: 42,
    broadcast_id: 9,
    customer_id: '0200000001',
    delivery_id: 'RPILAgUBcRhIBqSfeiIwdIYJKxTY',
    identifiers: { id: '42', email: 'test@example.com', cio_id: 'd9c106000001' },
    recipient: 'test@example.com',
  },
}
export const BODY = JSON.stringify(EVENT, null, 3) + '\n'
export const JSON_TYPE = { 'content-type': 'application/json' }

/** Headers for `body` signed by the package's signer. */
export function signed(body, { secret = SECRET, timestamp, type = JSON_TYPE } = {}) {
  return { ...type, ...signWebhook(body, secret, timestamp === undefined ? {} : { timestamp }) }
}

/** Headers for `body` signed by node:crypto alone, an oracle independent of the package. */
export function cryptoSigned(body, { secret = SECRET, timestamp = nowSeconds() } = {}) {
  return {
    ...JSON_TYPE,
    'X-CIO-Timestamp': String(timestamp),
    'X-CIO-Signature': cryptoSignature(body, secret, timestamp),
  }
}

/** The same signature twice, and this signature with one made under another key. */
export function repeatedSignatures(body) {
  const headers = signed(body)
  const good = headers['x-cio-signature']
  const forged = signWebhook(body, OTHER_SECRET, { timestamp: Number(headers['x-cio-timestamp']) })['x-cio-signature']
  return {
    same: { ...headers, 'x-cio-signature': [good, good] },
    different: [
      { ...headers, 'x-cio-signature': [good, forged] },
      { ...headers, 'x-cio-signature': [forged, good] },
    ],
  }
}

/** 256 KiB: more than socket buffers hold, so the server answers before the client is done. */
export const OVERSIZED = JSON.stringify({ ...EVENT, padding: 'x'.repeat(256 * 1024) })

export function expectRefusal(res, status, error) {
  assert.equal(res.status, status, res.text)
  assert.match(res.headers['content-type'], /^application\/json/)
  assert.equal(res.json.error, error)
}
