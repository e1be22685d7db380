'use strict'

// The live list of Customer.io's source addresses, from the App API (`GET /v1/info/ip_addresses`,
// Bearer App API key). The App API allows 10 requests per second per account: calls from this
// module are spaced 110 ms apart process-wide, so a fleet of allow-lists refreshing at once
// cannot trip it. Errors carry a code and the HTTP status, never the key or the answer's text.

const { CustomerioSecurityError, typeError } = require('../errors.js')
const { SecretValue } = require('../credentials/secret-value.js')
const { normalizeAddress } = require('./ip-address.js')

const APP_API_URLS = Object.freeze({
  us: 'https://api.customer.io/v1',
  eu: 'https://api-eu.customer.io/v1',
})
// 10 requests per second is the limit; a margin keeps clock and network jitter from reaching it.
const MIN_SPACING_MS = 110
const DEFAULT_TIMEOUT_MS = 10_000
// A list of source addresses is a few dozen entries; anything near this is not one.
const MAX_ANSWER_BYTES = 1024 * 1024

let nextSlot = 0

/** Waits for this call's turn: at most one request per MIN_SPACING_MS from this process. */
function takeSlot() {
  const now = Date.now()
  const at = Math.max(now, nextSlot)
  nextSlot = at + MIN_SPACING_MS
  return at === now ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, at - now))
}

function keyText(appApiKey) {
  const key = appApiKey instanceof SecretValue ? appApiKey.reveal() : appApiKey
  if (typeof key !== 'string' || key.trim() === '' || key !== key.trim()) {
    throw typeError(
      'ERR_INVALID_SECRET',
      'appApiKey must be a non-empty string or SecretValue without surrounding whitespace',
    )
  }
  return key
}

/**
 * The addresses of the answer: a JSON array of addresses, or an object holding one (under
 * `ip_addresses`, else the first array property of addresses). Each entry is an address or a
 * CIDR range; anything else makes the whole answer invalid, so a broken answer never narrows or
 * widens a list.
 */
function addressesOf(answer) {
  let list = Array.isArray(answer) ? answer : null
  if (list === null && answer !== null && typeof answer === 'object') {
    if (Array.isArray(answer.ip_addresses)) list = answer.ip_addresses
    else list = Object.values(answer).find((value) => Array.isArray(value) && value.length > 0) ?? null
  }
  if (list === null || list.length === 0) return null
  const addresses = []
  for (const entry of list) {
    const text =
      typeof entry === 'string'
        ? entry
        : entry !== null && typeof entry === 'object'
          ? (entry.ip ?? entry.address)
          : undefined
    if (typeof text !== 'string') return null
    const [address, bits, extra] = text.split('/')
    if (normalizeAddress(address) === null || extra !== undefined || (bits !== undefined && !/^\d{1,3}$/.test(bits)))
      return null
    addresses.push(text.trim())
  }
  return addresses
}

function failure(code, message, status) {
  const error = new CustomerioSecurityError(code, `customerio-security: ${message}`)
  if (status !== undefined) error.status = status
  return error
}

/**
 * `refreshIpAllowList({ appApiKey, region?, fetch?, timeoutMs?, baseUrl? })` ->
 * `{ region, addresses, fetchedAt }`. Rejects with a coded error (`ERR_RATE_LIMITED`,
 * `ERR_REFRESH_FAILED`, `ERR_INVALID_RESPONSE`) on failure; callers keep their last good list.
 */
async function refreshIpAllowList(options) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'refreshIpAllowList options must be an object')
  }
  const region = options.region ?? 'us'
  if (region !== 'us' && region !== 'eu') throw typeError('ERR_INVALID_ARGUMENT', "region must be 'us' or 'eu'")
  const key = keyText(options.appApiKey)
  const fetchImpl = options.fetch ?? globalThis.fetch
  if (typeof fetchImpl !== 'function') throw typeError('ERR_INVALID_ARGUMENT', 'fetch must be a function')
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0))
    throw typeError('ERR_INVALID_ARGUMENT', 'timeoutMs must be a number > 0')
  const base = (options.baseUrl ?? APP_API_URLS[region]).replace(/\/+$/, '')

  await takeSlot()
  let response
  try {
    response = await fetchImpl(`${base}/info/ip_addresses`, {
      headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw failure('ERR_REFRESH_FAILED', `the App API could not be reached (${error?.name ?? 'Error'})`)
  }
  if (response.status === 429) {
    throw failure('ERR_RATE_LIMITED', 'the App API rate limit (10 requests/s) was hit; the last list stays', 429)
  }
  if (!response.ok) {
    throw failure('ERR_REFRESH_FAILED', `the App API answered ${response.status}`, response.status)
  }
  const text = await response.text()
  if (text.length > MAX_ANSWER_BYTES)
    throw failure('ERR_INVALID_RESPONSE', 'the App API answer is too large to be an address list')
  let answer
  try {
    answer = JSON.parse(text)
  } catch {
    throw failure('ERR_INVALID_RESPONSE', 'the App API answer is not JSON')
  }
  const addresses = addressesOf(answer)
  if (addresses === null) throw failure('ERR_INVALID_RESPONSE', 'the App API answer holds no valid address list')
  return { region, addresses, fetchedAt: new Date().toISOString() }
}

module.exports = { APP_API_URLS, addressesOf, refreshIpAllowList }
