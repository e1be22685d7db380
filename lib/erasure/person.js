'use strict'

// Erasing one person: the mode's calls in order, each retried under the retry policy, and the
// outcome as an ErasureResult (and, with `audit`, as an audit record).
//
// How attempts are counted: one attempt is one call of the client's method. customerio-node
// retries 408/429/5xx and network errors inside a call by itself (3 times by default), so with
// a default TrackClient one attempt can be up to 4 HTTP requests. Build the client with
// `retry: { maxRetries: 0 }` (as the CLI does) to let this policy alone decide, with attempts
// equal to HTTP requests, Retry-After shared across a bulk run, and jittered backoff.

const { randomUUID } = require('node:crypto')
const { appendProof } = require('../audit/append.js')
const { typeError } = require('../errors.js')
const { DEFAULT_POLICY, backoffDelay, classify, sleep } = require('./retry.js')
const {
  checkAudit,
  checkClient,
  checkId,
  checkMode,
  integerOption,
  numberOption,
  optionalString,
} = require('./validate.js')
const { ErasureVerifier, verifyOptions, withVerification } = require('./verify.js')

/** The calls each mode makes, in order. suppress-and-destroy stops if the suppress fails. */
const ACTIONS = {
  suppress: ['suppress'],
  destroy: ['destroy'],
  'suppress-and-destroy': ['suppress', 'destroy'],
}

/** customerio-node resolves a 2xx with the body only, so a success is recorded as 200. */
const OK_STATUS = 200

/** Options shared by erasePerson and eraseMany: the mode, the retry policy, the audit metadata. */
function commonOptions(options) {
  const mode = checkMode(options.mode)
  return {
    mode,
    policy: {
      maxAttempts: integerOption('maxAttempts', options.maxAttempts, DEFAULT_POLICY.maxAttempts, 1, 100),
      baseDelayMs: numberOption('baseDelayMs', options.baseDelayMs, DEFAULT_POLICY.baseDelayMs, 0),
      maxDelayMs: numberOption('maxDelayMs', options.maxDelayMs, DEFAULT_POLICY.maxDelayMs, 0),
      maxRetryAfterMs: numberOption('maxRetryAfterMs', options.maxRetryAfterMs, DEFAULT_POLICY.maxRetryAfterMs, 0),
    },
    meta: {
      jurisdiction: optionalString('jurisdiction', options.jurisdiction),
      actor: optionalString('actor', options.actor),
      policyVersion: optionalString('policyVersion', options.policyVersion),
    },
  }
}

/**
 * Erases one person. Throws ERR_INVALID_ID / ERR_INVALID_OPTION / ERR_INVALID_CLIENT (TypeErrors)
 * before anything is sent; an HTTP or network failure is a result with status 'failed', not an
 * exception. With `audit`, resolves only once the record is appended (ERR_AUDIT_WRITE if not).
 */
async function erasePerson(client, id, options = {}) {
  if (options === null || typeof options !== 'object')
    throw typeError('ERR_INVALID_OPTION', 'options must be an object')
  checkId(id)
  const common = commonOptions(options)
  checkClient(client, common.mode, false)
  checkAudit(options.audit, false)
  const requestId = optionalString('requestId', options.requestId) ?? randomUUID()
  const receivedAt = options.receivedAt ?? new Date()
  const verify = verifyOptions(options.verify)
  let result = await erase(client, id, { mode: common.mode, policy: common.policy, limiter: null })
  if (verify !== undefined && result.status === 'done') {
    result = withVerification(result, await new ErasureVerifier(verify).check(id))
  }
  if (options.audit !== undefined) {
    await appendAudit(options.audit, result, { ...common.meta, requestId, receivedAt })
  }
  return publicResult(result)
}

/** The mode's calls for `id` (already validated). `limiter`, when given, gates every request. */
async function erase(client, id, { mode, policy, limiter }) {
  const actions = []
  for (const action of ACTIONS[mode]) {
    // An async wrapper: a synchronous throw from the client (MissingParamError) becomes a rejection.
    const outcome = await attempt(action, async () => client[action](id), policy, limiter)
    actions.push(outcome.record)
    if (!outcome.ok) {
      return {
        id,
        status: 'failed',
        actions,
        reason: `${action}: ${outcome.reason}`,
        lastStatus: outcome.record.status,
        retryable: outcome.retryable,
      }
    }
  }
  return { id, status: 'done', actions }
}

/**
 * Calls `send` until it succeeds, fails permanently, or `maxAttempts` calls were made.
 * Resolves `{ ok, record: { action, status, attempts, error? }, reason, retryable }`.
 */
async function attempt(action, send, policy, limiter) {
  for (let attempts = 1; ; attempts++) {
    if (limiter !== null) await limiter.take()
    let failure
    try {
      await send()
      return { ok: true, record: { action, status: OK_STATUS, attempts } }
    } catch (error) {
      failure = classify(error)
    }
    const last = !failure.retryable || attempts >= policy.maxAttempts
    if (last) {
      const reason = failure.retryable ? `${failure.reason} after ${attempts} attempts` : failure.reason
      return {
        ok: false,
        retryable: failure.retryable,
        reason,
        record: { action, status: failure.status, attempts, error: reason },
      }
    }
    // A 429's Retry-After is about the whole workspace: hold every request of the run.
    if (failure.status === 429 && failure.retryAfterMs !== null && limiter !== null) {
      limiter.pause(Math.min(failure.retryAfterMs, policy.maxRetryAfterMs))
    }
    await sleep(backoffDelay(attempts, failure, policy))
  }
}

/** The audit record of a result. The raw id goes in as `subject`; the audit log writes only its HMAC. */
function auditRecord(result, meta) {
  const record = {
    requestId: meta.requestId,
    subject: result.id,
    receivedAt: meta.receivedAt,
    completedAt: new Date(),
    actions: result.actions.map(({ action, status, attempts, error }) =>
      error === undefined ? { action, status, attempts } : { action, status, attempts, error },
    ),
    outcome: result.status,
    kind: 'erasure',
  }
  if (result.verification !== undefined) {
    record.verified = result.verification.verified
    record.verifiedAt = result.verification.at
  }
  if (result.reason !== undefined) record.reason = result.reason
  for (const key of ['jurisdiction', 'actor', 'policyVersion']) if (meta[key] !== undefined) record[key] = meta[key]
  return record
}

function appendAudit(audit, result, meta) {
  return appendProof(audit, auditRecord(result, meta))
}

/** The public shape of a result: internal fields dropped. */
function publicResult(result) {
  const out = { id: result.id, status: result.status, actions: result.actions }
  if (result.reason !== undefined) out.reason = result.reason
  if (result.verification !== undefined) out.verified = result.verification.verified
  return out
}

module.exports = {
  ACTIONS,
  OK_STATUS,
  appendAudit,
  attempt,
  auditRecord,
  commonOptions,
  erase,
  erasePerson,
  publicResult,
}
