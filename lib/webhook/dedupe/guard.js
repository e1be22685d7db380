// The receiver's de-duplication step, between "verified and parsed" and "handed to the app".
//
// Two phases, so that no event is ever lost to de-duplication:
// 1. claim: before the handler runs, the delivery's key is set "in progress" for a lease,
//    atomically (SET NX), so of two instances racing on one event exactly one goes on.
// 2. verdict: when the handler answers, a 2xx commits the key as done for the store's TTL (later
//    copies get 200 `{ duplicate: true }`); any other answer releases it, so Customer.io's retry
//    of that failure is let through. Only the handler's own answer counts: a connection that
//    closes first (Customer.io gives up after 4 s) is no verdict, so its retry is not run beside a
//    handler that is still working.
// While the handler runs, its claim is renewed every third of the lease, so a handler longer than
// the lease is never run twice at once; renewal stops after `maxHandlerSeconds`, and a handler
// that never answers (the process died, or it hangs) leaves a claim that expires with its lease,
// after which a retry goes through. A copy that arrives while another is in progress is answered
// 503 (Customer.io retries it), not 200: if the first copy then fails, a 200 on the second would
// have dropped the event.
// A store that fails is retried in the background: a claim whose answer was lost (a timeout
// during a stall) is deleted by its token once the store answers again, so no claim is left
// without an owner; a failed commit or release is retried until the lease would have ended. The
// price: a store that stays down from the handler's success to the end of the lease leaves only
// the lease, so a copy after it is handled again (at least once, never zero times).

const { createHash, randomUUID } = require('node:crypto')

const { typeError } = require('../../errors.js')
const opts = require('../options.js')
const { memoryDedupeStore } = require('./memory.js')
const { DEFAULT_LEASE_SECONDS } = require('./options.js')
const { DUPLICATE, refusal } = require('../refusals.js')

const STORE_METHODS = ['claim', 'commit', 'release', 'isDone']
// Redis keys and Map keys stay short even if an event id is not.
const LONGEST_RAW_ID = 200
const NOOP = () => Promise.resolve()
// A handler still running after this long stops having its claim renewed: its lease then runs
// out and a retry may go through. Customer.io gives up waiting after 4 s; ten minutes is far
// beyond any handler that will still answer.
const DEFAULT_MAX_HANDLER_SECONDS = 600
// Background retries of a failed store call: first after this, doubling up to the cap.
const RETRY_FIRST_MS = 100
const RETRY_MAX_MS = 1000

/** The key of a verified delivery: its `event_id`, or for bodies without one its signature. */
function dedupeKey(event, headers) {
  const id = event !== null && typeof event === 'object' ? event.event_id : undefined
  if (typeof id === 'string' && id !== '') {
    if (id.length <= LONGEST_RAW_ID) return `event:${id}`
    return `event-sha256:${createHash('sha256').update(id).digest('hex')}`
  }
  // Verified, so 64 hex characters; Customer.io sends lowercase, a replay may not.
  return `signature:${opts.header(headers['x-cio-signature']).toLowerCase()}`
}

/** The key of one Data Pipelines event: its `messageId` (the Segment spec's de-duplication id). */
function messageKey(id) {
  if (id.length <= LONGEST_RAW_ID) return `message:${id}`
  return `message-sha256:${createHash('sha256').update(id).digest('hex')}`
}

function checkStore(store) {
  if (store === null || typeof store !== 'object') {
    throw typeError(
      'ERR_INVALID_DEDUPE',
      'dedupe must be true, false, or a store (memoryDedupeStore(), redisDedupeStore(client))',
    )
  }
  for (const method of STORE_METHODS) {
    if (typeof store[method] !== 'function') {
      throw typeError('ERR_INVALID_DEDUPE', `a dedupe store needs a ${method}() method (see DedupeStore in index.d.ts)`)
    }
  }
  if (typeof store.ttlSeconds !== 'number' || !(store.ttlSeconds > 0)) {
    throw typeError('ERR_INVALID_DEDUPE', 'a dedupe store needs ttlSeconds, a number > 0')
  }
  return store
}

/**
 * A signed delivery can be replayed while its timestamp is within the tolerance of the clock,
 * in either direction: up to twice the tolerance after it is first seen. A shorter TTL would let
 * a replay through; the receiver refuses to start with one.
 */
function checkTtl(store, options) {
  const tolerance = opts.toleranceSeconds(options.toleranceSeconds)
  const signsTimestamp = opts.scheme(options.scheme) === opts.SCHEME_V0
  if (signsTimestamp && Number.isFinite(tolerance) && store.ttlSeconds < 2 * tolerance) {
    throw typeError(
      'ERR_INVALID_DEDUPE',
      `the dedupe store keeps keys ${store.ttlSeconds} s, less than twice toleranceSeconds ` +
        `(${2 * tolerance} s): a replay could pass`,
    )
  }
}

function maxHandlerSeconds(value) {
  if (value === undefined) return DEFAULT_MAX_HANDLER_SECONDS
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw typeError('ERR_INVALID_DEDUPE', 'maxHandlerSeconds must be a finite number of seconds > 0')
  }
  return value
}

/** A custom store may leave out its lease; background retries then stop after the default one. */
function leaseSecondsOf(store) {
  const lease = store.leaseSeconds
  return typeof lease === 'number' && lease > 0 && Number.isFinite(lease) ? lease : DEFAULT_LEASE_SECONDS
}

function optionalFunction(value, name) {
  if (value !== undefined && typeof value !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', `${name} must be a function`)
  }
  return value
}

/** `null` when de-duplication is off; else `{ admit(accepted, headers, request) }`. */
function createDedupe(options) {
  const setting = options.dedupe
  if (setting === undefined || setting === false || setting === null) return null
  const store = setting === true ? memoryDedupeStore() : checkStore(setting)
  checkTtl(store, options)
  const onStoreError = options.onStoreError === undefined ? 'reject' : options.onStoreError
  if (onStoreError !== 'reject' && onStoreError !== 'accept') {
    throw typeError('ERR_INVALID_DEDUPE', "onStoreError must be 'reject' or 'accept'")
  }
  const onDuplicate = optionalFunction(options.onDuplicate, 'onDuplicate')
  const onDedupeError = optionalFunction(options.onDedupeError, 'onDedupeError')
  const maxHandlerMs = maxHandlerSeconds(options.maxHandlerSeconds) * 1000
  const leaseMs = leaseSecondsOf(store) * 1000

  // Never silent: to the app's callback, or else a process warning. Never thrown: this runs
  // where nothing could answer for it (after the response).
  function report(error, phase, request) {
    if (onDedupeError !== undefined) {
      try {
        onDedupeError(error, phase, request)
        return
      } catch (callbackError) {
        error = callbackError
      }
    }
    process.emitWarning(`de-duplication store failed at ${phase}: ${error && error.message}`, {
      type: 'CustomerioSecurityWarning',
      code: 'CUSTOMERIO_DEDUPE_STORE',
    })
  }

  /**
   * Calls `attempt` until it resolves, the first time now and then in the background with
   * doubling delays, until `deadline` (ms since the epoch). Each failure but the first is quiet:
   * the first is reported, the rest would repeat it.
   */
  function persist(attempt, deadline) {
    let delay = RETRY_FIRST_MS
    const retry = () => {
      if (Date.now() + delay > deadline) return
      const timer = setTimeout(() => {
        Promise.resolve()
          .then(attempt)
          .catch(() => {
            delay = Math.min(delay * 2, RETRY_MAX_MS)
            retry()
          })
      }, delay)
      timer.unref()
    }
    retry()
  }

  /**
   * Renews the claims (`[{ key, token }]`: one event's, or a batch's) while the handler runs, on
   * one timer whatever their number; returns the function that stops it.
   */
  function renewing(claims, request) {
    if (typeof store.renew !== 'function' || claims.length === 0) return NOOP
    const started = Date.now()
    const held = new Set(claims)
    const timer = setInterval(
      () => {
        if (Date.now() - started > maxHandlerMs) {
          clearInterval(timer)
          report(
            new Error(`the handler is still running after ${maxHandlerMs / 1000} s: its claim is no longer renewed`),
            'renew',
            request,
          )
          return
        }
        for (const claim of held) {
          Promise.resolve()
            .then(() => store.renew(claim.key, claim.token))
            .then(
              (renewed) => {
                if (renewed !== false || !held.has(claim)) return
                held.delete(claim)
                if (held.size === 0) clearInterval(timer)
                report(
                  new Error('the claim was lost before the handler answered (its lease ran out)'),
                  'renew',
                  request,
                )
              },
              // A missed renewal is not yet a lost claim: a third of the lease is left to try again.
              (error) => report(error, 'renew', request),
            )
        }
      },
      Math.max(1, Math.floor(leaseMs / 3)),
    )
    timer.unref()
    return () => {
      clearInterval(timer)
      // A renewal still on its way must not report a lost claim once the delivery is complete.
      held.clear()
    }
  }

  /**
   * The `complete(status)` of a delivery holding `claims`: stops their renewal, then commits them
   * (a 2xx) or releases them (anything else), retrying in the background while the lease lasts.
   */
  function completer(claims, request) {
    const stopRenewing = renewing(claims, request)
    let done = false
    return function complete(status) {
      if (done) return Promise.resolve()
      done = true
      stopRenewing()
      const ok = Number.isInteger(status) && status >= 200 && status < 300
      const phase = ok ? 'commit' : 'release'
      return Promise.all(
        claims.map(({ key, token }) => {
          const call = () => (ok ? store.commit(key, token) : store.release(key, token))
          return Promise.resolve()
            .then(call)
            .then(
              () => undefined,
              (error) => {
                report(error, phase, request)
                // Past the lease another copy may hold the key (a release would be a no-op by its
                // token check, a commit would still be right): keep trying until then.
                persist(call, Date.now() + leaseMs)
              },
            )
        }),
      ).then(() => undefined)
    }
  }

  /**
   * Whether the key someone else claimed is done (else it is in progress), told to onDuplicate.
   * A failed read counts as in progress: the key exists, so this is a copy, and 503 (retried) is
   * safe whatever its state.
   */
  async function copyIsDone(key, request) {
    let done = false
    try {
      done = (await store.isDone(key)) === true
    } catch (error) {
      report(error, 'read', request)
    }
    if (onDuplicate !== undefined) onDuplicate(key, request, done ? 'done' : 'in-progress')
    return done
  }

  /**
   * A Data Pipelines batch: each event is claimed by its `messageId`, and the handler gets the
   * events nobody handled yet (`webhook.events`, in order; events without a messageId always).
   * All done before: answered 200 as a duplicate. One still being handled elsewhere: the whole
   * batch is answered 503 (our claims released), so the sender retries it and no event is lost.
   */
  async function admitBatch(accepted, request) {
    const seen = new Set()
    const claims = []
    const fresh = []
    for (const event of accepted.webhook.events) {
      const id = event.messageId
      if (typeof id !== 'string' || id === '') {
        fresh.push(event)
        continue
      }
      const key = messageKey(id)
      // The same event twice in one batch is handled once.
      if (seen.has(key)) continue
      seen.add(key)
      claims.push({ key, token: randomUUID(), event })
    }
    const results = await Promise.allSettled(claims.map(({ key, token }) => store.claim(key, token)))
    const failed = results.find((result) => result.status === 'rejected')
    if (failed !== undefined) {
      report(failed.reason, 'claim', request)
      for (const { key, token } of claims) persist(() => store.release(key, token), Date.now() + leaseMs)
      if (onStoreError === 'accept') return { ...accepted, complete: NOOP }
      return refusal('DEDUPE_UNAVAILABLE')
    }
    const held = claims.filter((_, index) => results[index].value === true)
    const others = claims.filter((_, index) => results[index].value !== true)
    let inProgress = false
    for (const { key } of others) {
      if (!(await copyIsDone(key, request))) inProgress = true
    }
    if (inProgress) {
      await Promise.allSettled(held.map(({ key, token }) => store.release(key, token)))
      return refusal('DELIVERY_IN_PROGRESS')
    }
    const mine = new Set([...fresh, ...held.map(({ event }) => event)])
    const events = accepted.webhook.events.filter((event) => mine.has(event))
    if (events.length === 0) return DUPLICATE
    return { ...accepted, webhook: { ...accepted.webhook, events }, complete: completer(held, request) }
  }

  async function admit(accepted, headers, request) {
    if (accepted.webhook.events !== undefined) return admitBatch(accepted, request)
    const key = dedupeKey(accepted.event, headers)
    const token = randomUUID()
    let claimed
    try {
      claimed = (await store.claim(key, token)) === true
    } catch (error) {
      report(error, 'claim', request)
      // The claim may still land when the store answers again (a timeout is not a refusal): then
      // it would hold the key with no owner until its lease ran out. Delete it by its token.
      persist(() => store.release(key, token), Date.now() + leaseMs)
      if (onStoreError === 'accept') return { ...accepted, complete: NOOP }
      return refusal('DEDUPE_UNAVAILABLE')
    }
    if (claimed) return { ...accepted, complete: completer([{ key, token }], request) }

    if (await copyIsDone(key, request)) return DUPLICATE
    return refusal('DELIVERY_IN_PROGRESS')
  }

  return { admit, store }
}

module.exports = { DEFAULT_MAX_HANDLER_SECONDS, NOOP, createDedupe, dedupeKey }
