'use strict'

// The App API calls an access export makes, each behind the run's rate cap and retried on 429,
// 408, 5xx and network errors (a 429's Retry-After holds every call of the run). The calls go
// through customerio-node's APIClient where it has them; a method the client lacks (an older or
// a hand-made client) is the same GET made with fetch against the client's `apiRoot` and key.
// Errors name the call and the status, never the identifier, the key or the answer's text.

const { CustomerioSecurityError } = require('../errors.js')
const { backoffDelay, classify, sleep } = require('../erasure/retry.js')

/** The App API allows 10 requests per second per account; 8 leaves room for jitter and other callers. */
const DEFAULT_APP_API_RATE = 8
/** Customer.io's largest page for messages and activities. */
const MAX_PAGE_LIMIT = 100

/** Each call: the client method that makes it, how to call it, and the URL for fetch otherwise. */
const CALLS = {
  'find-by-email': {
    method: 'getCustomersByEmail',
    viaClient: (client, { email }) => client.getCustomersByEmail(email),
    path: ({ email }) => `/customers?email=${encodeURIComponent(email)}`,
  },
  attributes: {
    method: 'getAttributes',
    viaClient: (client, { id, idType }) => client.getAttributes(id, idType),
    path: ({ id, idType }) => `/customers/${encodeURIComponent(id)}/attributes?id_type=${idType}`,
  },
  segments: {
    method: 'getCustomerSegments',
    viaClient: (client, { id, idType }) => client.getCustomerSegments(id, idType),
    path: ({ id, idType }) => `/customers/${encodeURIComponent(id)}/segments?id_type=${idType}`,
  },
  messages: {
    method: 'getCustomerMessages',
    viaClient: (client, { id, idType, start, limit }) =>
      client.getCustomerMessages(id, pageOptions(idType, start, limit)),
    path: ({ id, idType, start, limit }) =>
      `/customers/${encodeURIComponent(id)}/messages${pageQuery(idType, start, limit)}`,
  },
  activities: {
    method: 'getCustomerActivities',
    viaClient: (client, { id, idType, start, limit }) =>
      client.getCustomerActivities(id, pageOptions(idType, start, limit)),
    path: ({ id, idType, start, limit }) =>
      `/customers/${encodeURIComponent(id)}/activities${pageQuery(idType, start, limit)}`,
  },
}

/** The endpoint as the manifest names it: no identifier in it. */
const ENDPOINTS = {
  'find-by-email': 'GET /v1/customers?email=',
  attributes: 'GET /v1/customers/{id}/attributes',
  segments: 'GET /v1/customers/{id}/segments',
  messages: 'GET /v1/customers/{id}/messages',
  activities: 'GET /v1/customers/{id}/activities',
}

function pageOptions(idType, start, limit) {
  const options = { idType, limit }
  if (start !== undefined) options.start = start
  return options
}

function pageQuery(idType, start, limit) {
  const query = new URLSearchParams({ id_type: idType, limit: String(limit) })
  if (start !== undefined) query.set('start', start)
  return `?${query}`
}

class AppApi {
  /** `limiter`: a RateLimiter shared by the run; `policy`: the retry policy; `fetch`: for the missing calls. */
  constructor(client, { limiter, policy, fetch: fetchImpl = globalThis.fetch, timeoutMs = 10_000 }) {
    this.client = client
    this.limiter = limiter
    this.policy = policy
    this.fetch = fetchImpl
    this.timeoutMs = timeoutMs
    /** endpoint -> { endpoint, via, requests, retries, statuses: { [status]: count } } */
    this.stats = new Map()
  }

  /**
   * One call, retried. Resolves the parsed answer, or `null` for a 404 (the person is not
   * there). Rejects with ERR_APP_API (`status`, `call`) when it fails for good.
   */
  async get(name, args) {
    const call = CALLS[name]
    const useClient = typeof this.client[call.method] === 'function'
    const stat = this.stat(name, useClient ? `customerio-node ${call.method}` : 'fetch')
    for (let attempts = 1; ; attempts++) {
      await this.limiter.take()
      stat.requests += 1
      let failure
      try {
        // An async wrapper: a synchronous throw from the client (MissingParamError) becomes a rejection.
        const body = await (useClient
          ? (async () => call.viaClient(this.client, args))()
          : this.viaFetch(call.path(args)))
        count(stat, 200)
        return body
      } catch (error) {
        failure = classify(error)
      }
      count(stat, failure.status ?? 'network')
      if (failure.status === 404) return null
      if (!failure.retryable || attempts >= this.policy.maxAttempts) throw callFailed(name, failure, attempts)
      stat.retries += 1
      if (failure.status === 429 && failure.retryAfterMs !== null) {
        this.limiter.pause(Math.min(failure.retryAfterMs, this.policy.maxRetryAfterMs))
      }
      await sleep(backoffDelay(attempts, failure, this.policy))
    }
  }

  async viaFetch(path) {
    const root = this.client.apiRoot
    const key = this.client.appKey
    if (typeof root !== 'string' || typeof key !== 'string') {
      throw Object.assign(new TypeError('client lacks apiRoot/appKey'), { name: 'ClientShapeError' })
    }
    const response = await this.fetch(`${root.replace(/\/+$/, '')}${path}`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      redirect: 'error',
      signal: AbortSignal.timeout(this.timeoutMs),
    })
    const text = await response.text()
    if (!response.ok) {
      // The shape classify() reads: a status and the headers (for Retry-After); no body kept.
      throw { status: response.status, response: { headers: response.headers } }
    }
    return JSON.parse(text)
  }

  stat(name, via) {
    let stat = this.stats.get(name)
    if (stat === undefined) {
      stat = { endpoint: ENDPOINTS[name], via, requests: 0, retries: 0, statuses: {} }
      this.stats.set(name, stat)
    }
    return stat
  }

  /** The calls made so far, for the manifest and the audit record. */
  calls() {
    return [...this.stats.values()].map((stat) => ({ ...stat, statuses: { ...stat.statuses } }))
  }
}

function count(stat, key) {
  stat.statuses[key] = (stat.statuses[key] ?? 0) + 1
}

function callFailed(name, failure, attempts) {
  const hint = failure.status === 401 ? ' (a wrong App API key, or the workspace is in the other region)' : ''
  const reason = failure.retryable ? `${failure.reason} after ${attempts} attempts` : failure.reason
  const error = new CustomerioSecurityError('ERR_APP_API', `${ENDPOINTS[name]} failed: ${reason}${hint}`)
  error.status = failure.status
  error.call = ENDPOINTS[name]
  return error
}

module.exports = { AppApi, DEFAULT_APP_API_RATE, ENDPOINTS, MAX_PAGE_LIMIT }
