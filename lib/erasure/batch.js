'use strict'

// The batch API path: many ids' operations in one POST /api/v2/batch (client.batch()), and a
// 207 answer's per-item errors ({ batch_index, reason, field, message }) mapped back to the ids
// at those indices. Items that failed for a transient reason are sent again in a smaller batch;
// the others are final. The whole request failing (429, 5xx, network) retries the whole batch:
// suppress and delete are idempotent, so resending done items does no harm.

const { OK_STATUS } = require('./person.js')
const { backoffDelay, classify, sleep } = require('./retry.js')

/** Customer.io's limit is 500 KB per request; this leaves room for the `{"batch":[]}` envelope. */
const MAX_BATCH_BYTES = 500 * 1000
const DEFAULT_BATCH_SIZE = 100
const BATCH_ACTIONS = { suppress: 'suppress', destroy: 'delete' }
const IDENTIFIER_TYPES = ['id', 'email', 'cio_id']

/**
 * Per-item reasons are not enumerated by the spec. Inferred: validation errors (the usual
 * ones) will fail again; names that speak of load or time are worth another try.
 */
const TRANSIENT_REASON = /rate|limit|timeout|timed|internal|unavailable|retry|temporar|busy/i

function operation(action, id, identifierType) {
  return { type: 'person', identifiers: { [identifierType]: id }, action: BATCH_ACTIONS[action] }
}

/** Bytes one id adds to a batch body (its operation and a comma), for the 500 KB limit. */
function operationBytes(id, identifierType) {
  return Buffer.byteLength(JSON.stringify(operation('suppress', id, identifierType))) + 1
}

/**
 * Sends `action` for every id of `ids` through client.batch(), retrying under `policy`.
 * Resolves a Map id -> { ok, record: { action, status, attempts, error? }, reason, retryable }.
 */
async function batchAction(client, action, ids, { policy, limiter, identifierType }) {
  // The audit record names the call that was made: 'batch-suppress', 'batch-delete'.
  const name = `batch-${BATCH_ACTIONS[action]}`
  const results = new Map()
  let pending = ids
  for (let attempts = 1; pending.length > 0; attempts++) {
    const last = attempts >= policy.maxAttempts
    await limiter.take()
    let body
    try {
      body = await client.batch(pending.map((id) => operation(action, id, identifierType)))
    } catch (error) {
      const failure = classify(error)
      if (!failure.retryable || last) {
        const reason = failure.retryable ? `${failure.reason} after ${attempts} attempts` : failure.reason
        for (const id of pending) results.set(id, failed(name, failure.status, attempts, reason, failure.retryable))
        return results
      }
      if (failure.status === 429 && failure.retryAfterMs !== null)
        limiter.pause(Math.min(failure.retryAfterMs, policy.maxRetryAfterMs))
      await sleep(backoffDelay(attempts, failure, policy))
      continue
    }
    const errors = itemErrors(body, pending.length)
    // customerio-node hides the status: a body listing errors is Customer.io's 207.
    const status = errors.size > 0 ? 207 : OK_STATUS
    const again = []
    for (let index = 0; index < pending.length; index++) {
      const id = pending[index]
      const error = errors.get(index)
      if (error === undefined) {
        results.set(id, { ok: true, record: { action: name, status, attempts } })
      } else if (error.transient && !last) {
        again.push(id)
      } else {
        const reason = error.transient ? `${error.reason} after ${attempts} attempts` : error.reason
        results.set(id, failed(name, 207, attempts, reason, error.transient))
      }
    }
    pending = again
    if (pending.length > 0) await sleep(backoffDelay(attempts, { retryAfterMs: null }, policy))
  }
  return results
}

function failed(action, status, attempts, reason, retryable) {
  return { ok: false, retryable, reason, record: { action, status, attempts, error: reason } }
}

/**
 * index -> { reason, transient } from a 207 body. Indices outside the batch are ignored. The
 * item's `message` is never kept (it may quote the identifier); `reason` and `field` are kept
 * only when they look like codes.
 */
function itemErrors(body, count) {
  const map = new Map()
  const errors = body !== null && typeof body === 'object' && Array.isArray(body.errors) ? body.errors : []
  for (const error of errors) {
    const index = error?.batch_index
    if (!Number.isInteger(index) || index < 0 || index >= count) continue
    const code = codeLike(error.reason) ?? 'invalid'
    const field = codeLike(error.field)
    map.set(index, {
      reason: `batch item ${code}${field === null ? '' : ` (field ${field})`}`,
      transient: TRANSIENT_REASON.test(code),
    })
  }
  return map
}

function codeLike(value) {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,64}$/.test(value) ? value : null
}

module.exports = {
  DEFAULT_BATCH_SIZE,
  IDENTIFIER_TYPES,
  MAX_BATCH_BYTES,
  batchAction,
  itemErrors,
  operation,
  operationBytes,
}
