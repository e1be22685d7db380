'use strict'

// The receiver's de-duplication step, between "verified and parsed" and "handed to the app".
//
// Two phases, so that no event is ever lost to de-duplication:
// 1. claim: before the handler runs, the delivery's key is set "in progress" for a short lease,
//    atomically (SET NX), so of two instances racing on one event exactly one goes on.
// 2. complete: when the app has answered, a 2xx commits the key as done for the store's TTL
//    (later copies get 200 `{ duplicate: true }`); anything else, or a connection closed with no
//    answer, releases it, so Customer.io's retry of that failure is let through.
// If the process dies between the two, the lease runs out and the retry goes through. A copy
// that arrives while another is in progress is answered 503 (Customer.io retries it), not 200:
// if the first copy then fails, a 200 on the second would have dropped the event.
// The price: a store failure at commit time leaves only the lease, so a replay after it is
// accepted again (at least once, never zero times).

const { createHash, randomUUID } = require('node:crypto')

const { typeError } = require('../../errors.js')
const opts = require('../options.js')
const { memoryDedupeStore } = require('./memory.js')

const STORE_METHODS = ['claim', 'commit', 'release', 'isDone']
// Redis keys and Map keys stay short even if an event id is not.
const LONGEST_RAW_ID = 200
const NOOP = () => Promise.resolve()

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

  function completer(key, token, request) {
    let done = false
    return function complete(status) {
      if (done) return Promise.resolve()
      done = true
      const ok = Number.isInteger(status) && status >= 200 && status < 300
      const phase = ok ? 'commit' : 'release'
      return Promise.resolve()
        .then(() => (ok ? store.commit(key, token) : store.release(key, token)))
        .then(
          () => undefined,
          (error) => report(error, phase, request),
        )
    }
  }

  async function admit(accepted, headers, request) {
    const key = dedupeKey(accepted.event, headers)
    const token = randomUUID()
    let claimed
    try {
      claimed = (await store.claim(key, token)) === true
    } catch (error) {
      report(error, 'claim', request)
      if (onStoreError === 'accept') return { ...accepted, complete: NOOP }
      return { accepted: false, status: 503, payload: { error: 'DEDUPE_UNAVAILABLE' } }
    }
    if (claimed) return { ...accepted, complete: completer(key, token, request) }

    let done = false
    try {
      done = (await store.isDone(key)) === true
    } catch (error) {
      // The key exists, so this is a copy: 503 (retried) is safe whatever its state.
      report(error, 'read', request)
    }
    if (onDuplicate !== undefined) onDuplicate(key, request, done ? 'done' : 'in-progress')
    if (done) return { accepted: false, status: 200, payload: { duplicate: true } }
    return { accepted: false, status: 503, payload: { error: 'DELIVERY_IN_PROGRESS' } }
  }

  return { admit, store }
}

module.exports = { NOOP, createDedupe, dedupeKey }
