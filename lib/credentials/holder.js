'use strict'

// createCredentialHolder: credentials that rotate without a restart or downtime. It loads them,
// builds a Track client for them, and reloads on an interval and whenever the Track API answers
// 401. New credentials get a new client, swapped in with one assignment: a request already
// running keeps the client it started with and finishes there, the next one uses the new client.
// A request refused with 401 is retried once, on the new client, if a reload produced one.

const { inspect } = require('node:util')
const { CustomerioSecurityError, typeError } = require('../errors.js')
const { loadCredentials } = require('./load.js')
const { createTrackClient } = require('./track-factory.js')
const { WARNING_TYPE } = require('./warnings.js')

const DEFAULT_REFRESH_MS = 5 * 60_000
// After a reload that found nothing new, further 401s within this window do not reload again:
// a revoked key with no replacement yet must not turn every request into a secret-manager call.
const DEFAULT_MIN_REFRESH_MS = 1_000

async function createCredentialHolder(options = {}) {
  const holder = new CredentialHolder(options)
  await holder.refresh()
  holder.startTimer()
  return holder
}

class CredentialHolder {
  #loadOptions
  #factory
  #onError
  #intervalMs
  #minRefreshMs
  #generation = null
  #refreshing = null
  #lastUnchangedAt = -Infinity
  #timer = null
  #closed = false
  #client

  constructor(options) {
    if (options === null || typeof options !== 'object') {
      throw typeError('ERR_INVALID_ARGUMENT', 'createCredentialHolder options must be an object')
    }
    const {
      clientFactory = createTrackClient,
      refreshIntervalMs = DEFAULT_REFRESH_MS,
      minRefreshIntervalMs = DEFAULT_MIN_REFRESH_MS,
      onError,
      ...loadOptions
    } = options
    if (typeof clientFactory !== 'function') throw typeError('ERR_INVALID_ARGUMENT', 'clientFactory must be a function')
    if (onError !== undefined && typeof onError !== 'function')
      throw typeError('ERR_INVALID_ARGUMENT', 'onError must be a function')
    for (const [name, value] of [
      ['refreshIntervalMs', refreshIntervalMs],
      ['minRefreshIntervalMs', minRefreshIntervalMs],
    ]) {
      if (typeof value !== 'number' || !(value >= 0))
        throw typeError('ERR_INVALID_ARGUMENT', `${name} must be a number >= 0`)
    }
    this.#loadOptions = loadOptions
    this.#factory = clientFactory
    this.#onError = onError ?? defaultOnError
    this.#intervalMs = refreshIntervalMs
    this.#minRefreshMs = minRefreshIntervalMs
    this.#client = clientProxy(this)
    // An own function, so `customerioWebhook({ secret: holder.webhookSecrets })` needs no bind.
    Object.defineProperty(this, 'webhookSecrets', { value: () => this.currentWebhookSecrets(), enumerable: false })
  }

  /** The current credentials (SecretValues: safe to log). */
  get credentials() {
    return this.#generation.credentials
  }

  /** Counts the swaps: 1 after the first load, +1 each time new credentials were taken. */
  get generation() {
    return this.#generation.number
  }

  /**
   * A client whose methods run on the current client through withClient (so they retry once
   * after a 401); other members are read from the current client.
   */
  get client() {
    return this.#client
  }

  /** The current webhook signing secrets as strings, newest configuration first as loaded. */
  currentWebhookSecrets() {
    return this.#generation.credentials.webhookSecrets.map((secret) => secret.reveal())
  }

  /** Calls fn(client) with the current client; on a 401, reloads and calls it once more on a new client. */
  async withClient(fn) {
    if (typeof fn !== 'function')
      throw typeError('ERR_INVALID_ARGUMENT', 'withClient takes a function (client) => promise')
    const used = this.currentGeneration()
    try {
      return await fn(used.client)
    } catch (error) {
      if (!isUnauthorized(error) || this.#closed) throw error
      const next = await this.#afterUnauthorized(used)
      if (next.client === undefined || next.client === used.client) throw error
      return await fn(next.client)
    }
  }

  /** Reloads now; concurrent calls share one reload. Resolves { changed } or rejects (old credentials stay). */
  refresh() {
    if (this.#refreshing === null) {
      this.#refreshing = this.#reload().finally(() => {
        this.#refreshing = null
      })
    }
    return this.#refreshing
  }

  /** Stops the timer. Requests already running finish; new ones are refused (ERR_HOLDER_CLOSED). */
  close() {
    this.#closed = true
    if (this.#timer !== null) clearInterval(this.#timer)
    this.#timer = null
  }

  /** @internal the generation a new request starts on. */
  currentGeneration() {
    if (this.#closed) throw new CustomerioSecurityError('ERR_HOLDER_CLOSED', 'the credential holder is closed')
    const generation = this.#generation
    if (generation.client === undefined) {
      throw new CustomerioSecurityError('ERR_NO_CLIENT', 'no Track client: the site id or Track API key was not loaded')
    }
    return generation
  }

  /** @internal started by createCredentialHolder after the first load. */
  startTimer() {
    if (this.#intervalMs === 0 || this.#intervalMs === Infinity || this.#closed) return
    this.#timer = setInterval(() => this.refresh().catch((error) => this.#report(error)), this.#intervalMs)
    // The holder must not keep a process alive that has nothing else to do.
    this.#timer.unref()
  }

  async #reload() {
    const credentials = await loadCredentials(this.#loadOptions)
    const current = this.#generation
    if (current !== null && sameCredentials(current.credentials, credentials)) {
      this.#lastUnchangedAt = performance.now()
      return { changed: false }
    }
    if (this.#closed) return { changed: false }
    // A new client only when the Track credentials changed; new webhook secrets alone keep it.
    const client =
      current !== null && sameTrack(current.credentials, credentials)
        ? current.client
        : hasTrack(credentials)
          ? await this.#factory(credentials)
          : undefined
    // The swap: one assignment. Requests holding the old generation keep using its client.
    this.#generation = Object.freeze({ credentials, client, number: (current?.number ?? 0) + 1 })
    return { changed: true }
  }

  async #afterUnauthorized(used) {
    if (this.#generation !== used) return this.#generation
    if (this.#refreshing === null && performance.now() - this.#lastUnchangedAt < this.#minRefreshMs) return used
    try {
      await this.refresh()
    } catch (error) {
      this.#report(error)
    }
    return this.#generation
  }

  #report(error) {
    try {
      this.#onError(error)
    } catch {
      // A throwing onError must not become an unhandled rejection in the timer.
    }
  }

  [inspect.custom]() {
    const c = this.#generation?.credentials
    return `CredentialHolder { region: ${c?.region}, trackUrl: ${c?.trackUrl}, generation: ${this.#generation?.number}, closed: ${this.#closed}, secrets: [REDACTED] }`
  }

  toJSON() {
    const c = this.#generation?.credentials
    return { region: c?.region, trackUrl: c?.trackUrl, generation: this.#generation?.number, closed: this.#closed }
  }
}

/** A stand-in for the client: method calls go through withClient, so they follow the swaps. */
function clientProxy(holder) {
  const target = {
    [inspect.custom]: () => 'TrackClient (rotating) { credentials: [REDACTED] }',
  }
  return new Proxy(target, {
    get(own, key) {
      if (key === inspect.custom) return own[key]
      // Not a thenable: `await holder.client` must give the proxy, not call .then on a client.
      if (key === 'then') return undefined
      const client = holder.currentGeneration().client
      const member = client[key]
      if (typeof member !== 'function') return member
      return (...args) => holder.withClient((current) => current[key](...args))
    },
  })
}

function isUnauthorized(error) {
  return error?.statusCode === 401 || error?.status === 401 || error?.response?.status === 401
}

function hasTrack(c) {
  return c.siteId !== undefined && c.trackApiKey !== undefined
}

function sameSecret(a, b) {
  return a === undefined || b === undefined ? a === b : a.equals(b)
}

function sameTrack(a, b) {
  return (
    sameSecret(a.siteId, b.siteId) &&
    sameSecret(a.trackApiKey, b.trackApiKey) &&
    a.region === b.region &&
    a.trackUrl === b.trackUrl
  )
}

function sameCredentials(a, b) {
  return (
    sameTrack(a, b) &&
    sameSecret(a.appApiKey, b.appApiKey) &&
    a.webhookSecrets.length === b.webhookSecrets.length &&
    a.webhookSecrets.every((secret, i) => secret.equals(b.webhookSecrets[i]))
  )
}

// Only the error's code or class name: a provider's own message could quote what it read.
function defaultOnError(error) {
  const what = typeof error?.code === 'string' ? error.code : (error?.name ?? typeof error)
  process.emitWarning(`credential refresh failed (${what}); the previous credentials stay in use`, {
    type: WARNING_TYPE,
    code: 'CUSTOMERIO_CREDENTIAL_REFRESH_FAILED',
  })
}

module.exports = { CredentialHolder, createCredentialHolder }
