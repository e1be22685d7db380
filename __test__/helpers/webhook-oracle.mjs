// The reference MAC the webhook tests compare against: node:crypto's HMAC-SHA256, which we did
// not write, fed the way Customer.io's docs describe the signed string (`v0:<ts>:<body>`).
import { createHmac } from 'node:crypto'

/** X-CIO-Signature for a reporting webhook, computed by node:crypto. */
export function nodeV0Signature(secret, timestamp, body) {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')
}

/** The same MAC over the body alone (`scheme: 'body'`). */
export function nodeBodySignature(secret, body) {
  return createHmac('sha256', secret).update(body).digest('hex')
}
