'use strict'

// The de-duplication store for a single instance: a Map with a size bound. Keys live in
// insertion order, which (for one TTL) is also expiry order, so expired keys are swept from the
// front and, over the bound, the oldest key is evicted first.

const { typeError } = require('../../errors.js')
const { timings } = require('./options.js')

const DEFAULT_MAX = 100_000
const DONE = Symbol('done')

function memoryDedupeStore(options = {}) {
  const { ttlSeconds, leaseSeconds } = timings(options, 'memoryDedupeStore')
  const max = options.max === undefined ? DEFAULT_MAX : options.max
  if (!Number.isSafeInteger(max) || max < 1) {
    throw typeError('ERR_INVALID_DEDUPE', 'max must be a whole number of keys >= 1')
  }
  // Milliseconds; a parameter so tests can move time without waiting.
  const now = options.now === undefined ? Date.now : options.now
  if (typeof now !== 'function') throw typeError('ERR_INVALID_DEDUPE', 'now must be a function returning milliseconds')
  const ttlMs = ttlSeconds * 1000
  const leaseMs = leaseSeconds * 1000
  /** key -> { value: token (in progress) | DONE, expiresAt: ms } */
  const entries = new Map()

  function live(key, t) {
    const entry = entries.get(key)
    if (entry === undefined) return undefined
    if (entry.expiresAt > t) return entry
    entries.delete(key)
    return undefined
  }

  // Re-inserting moves the key to the back, keeping the Map in (roughly) expiry order.
  function put(key, value, expiresAt, t) {
    entries.delete(key)
    entries.set(key, { value, expiresAt })
    for (const [oldest, entry] of entries) {
      if (entry.expiresAt > t && entries.size <= max) break
      // Expired, or over the bound: a key evicted early weakens de-duplication for that key
      // only; size `max` for the deliveries of one TTL.
      entries.delete(oldest)
    }
  }

  return {
    ttlSeconds,
    leaseSeconds,
    get size() {
      return entries.size
    },
    async claim(key, token) {
      const t = now()
      if (live(key, t) !== undefined) return false
      put(key, token, t + leaseMs, t)
      return true
    },
    async commit(key, token) {
      const t = now()
      put(key, DONE, t + ttlMs, t)
    },
    async renew(key, token) {
      // Only while it is still this delivery's claim: an expired one may have a new owner.
      const t = now()
      const entry = live(key, t)
      if (entry === undefined || entry.value !== token) return false
      put(key, token, t + leaseMs, t)
      return true
    },
    async release(key, token) {
      // Only this delivery's own claim: after its lease ran out another one may hold the key.
      const entry = live(key, now())
      if (entry !== undefined && entry.value === token) entries.delete(key)
    },
    async isDone(key) {
      const entry = live(key, now())
      return entry !== undefined && entry.value === DONE
    },
  }
}

module.exports = { DEFAULT_MAX, memoryDedupeStore }
