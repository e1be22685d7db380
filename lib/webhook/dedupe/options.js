'use strict'

// Options shared by the de-duplication stores, checked once when a store is built.

const { typeError } = require('../../errors.js')

// Customer.io retries a delivery that got no 2xx for days; one that did get a 2xx is only
// resent when the answer was lost (a timeout), so a day covers those and is far above the
// replay window.
const DEFAULT_TTL_SECONDS = 24 * 60 * 60
// How long an accepted delivery stays "in progress" if its handler never finishes (the process
// died): Customer.io gives a receiver 4 s, so a minute is ample, and a retry after it goes through.
const DEFAULT_LEASE_SECONDS = 60

function positiveSeconds(value, fallback, name) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw typeError('ERR_INVALID_DEDUPE', `${name} must be a finite number of seconds > 0`)
  }
  return value
}

/** `{ ttlSeconds, leaseSeconds }` with defaults; the lease must be shorter than the TTL. */
function timings(options, what) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', `${what} options must be an object`)
  }
  const ttlSeconds = positiveSeconds(options.ttlSeconds, DEFAULT_TTL_SECONDS, 'ttlSeconds')
  const leaseSeconds = positiveSeconds(options.leaseSeconds, DEFAULT_LEASE_SECONDS, 'leaseSeconds')
  if (leaseSeconds > ttlSeconds) {
    throw typeError('ERR_INVALID_DEDUPE', 'leaseSeconds must not be longer than ttlSeconds')
  }
  return { ttlSeconds, leaseSeconds }
}

module.exports = { DEFAULT_LEASE_SECONDS, DEFAULT_TTL_SECONDS, positiveSeconds, timings }
