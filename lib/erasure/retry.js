'use strict'

// The retry policy: which failures are worth another attempt, and how long to wait first.
// Exponential backoff with full jitter (a random wait in [0, min(cap, base * 2^n))), so many
// workers that failed together do not come back together; a Retry-After header, when the
// server sends one, is obeyed instead (it knows better than our guess).

/** 408 and 429 are "try later"; every 5xx may be transient. Other 4xx will fail again the same way. */
function isRetryableStatus(status) {
  return status === 408 || status === 429 || status >= 500
}

/**
 * What a rejected client call means: `{ status, retryable, retryAfterMs, reason }`.
 * `status` is the HTTP status, or null when no answer came (network error, timeout).
 * `reason` is safe to log and to write to the audit log: a status or an error name and code,
 * never an error message (customerio-node's quote the response body, which can hold the id).
 */
function classify(error) {
  const status = statusOf(error)
  if (status !== null) {
    return {
      status,
      retryable: isRetryableStatus(status),
      retryAfterMs: retryAfterMs(headerOf(error, 'retry-after')),
      reason: `http ${status}`,
    }
  }
  if (isNetworkError(error)) {
    const code = error?.cause?.code ?? error?.code
    return {
      status: null,
      retryable: true,
      retryAfterMs: null,
      reason: `network error${typeof code === 'string' ? ` (${code})` : ''}`,
    }
  }
  // Anything else (a bad redirect, an unparseable answer, a bug in a custom client) would fail
  // the same way again.
  return { status: null, retryable: false, retryAfterMs: null, reason: `client error (${error?.name ?? typeof error})` }
}

/** customerio-node's CustomerIORequestError has `statusCode`; other clients use `status` or `response.status`. */
function statusOf(error) {
  for (const value of [error?.statusCode, error?.status, error?.response?.status, error?.response?.statusCode]) {
    if (Number.isInteger(value) && value >= 100 && value <= 599) return value
  }
  return null
}

function headerOf(error, name) {
  const headers = error?.response?.headers
  if (headers === null || typeof headers !== 'object') return undefined
  if (typeof headers.get === 'function') return headers.get(name) ?? undefined
  return headers[name] ?? headers[name.toLowerCase()]
}

/**
 * fetch rejects a refused, reset or dropped connection with TypeError('fetch failed') and a
 * timeout with a DOMException named TimeoutError or AbortError; other HTTP stacks use errno codes.
 */
function isNetworkError(error) {
  if (error === null || typeof error !== 'object') return false
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return true
  if (error instanceof TypeError && /fetch failed|network|terminated|socket/i.test(String(error.message))) return true
  const code = error.cause?.code ?? error.code
  return (
    typeof code === 'string' && /^(ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|EAI_AGAIN|ENOTFOUND|UND_ERR_\w+)$/.test(code)
  )
}

/** Retry-After as milliseconds: delay-seconds or an HTTP date (RFC 9110 10.2.3); null if absent or unreadable. */
function retryAfterMs(value, now = Date.now()) {
  if (Array.isArray(value)) value = value[0]
  if (typeof value === 'number') value = String(value)
  if (typeof value !== 'string' || value.trim() === '') return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  // An HTTP date always names a month; Date.parse would also take '-1' or '2030'.
  if (!/[A-Za-z]{3}/.test(text)) return null
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.max(0, date - now)
}

/**
 * The wait before retry number `retry` (1 for the first retry): the server's Retry-After when
 * given (capped at `maxRetryAfterMs`), else full jitter over base * 2^(retry-1) capped at `maxDelayMs`.
 */
function backoffDelay(retry, failure, policy, random = Math.random) {
  if (failure.retryAfterMs !== null) return Math.min(failure.retryAfterMs, policy.maxRetryAfterMs)
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1))
  return Math.floor(random() * ceiling)
}

const DEFAULT_POLICY = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 250,
  maxDelayMs: 20_000,
  // customerio-node caps Retry-After at 300 s too: longer and the run looks hung.
  maxRetryAfterMs: 300_000,
})

function sleep(ms) {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve()
}

module.exports = { DEFAULT_POLICY, backoffDelay, classify, isRetryableStatus, retryAfterMs, sleep, statusOf }
