'use strict'

// checkCredentials: a credential self-test. GET {trackUrl}/accounts/region with HTTP Basic
// site_id:track_api_key has no side effects and answers the workspace's region and environment
// id. The result is a value, never an exception, for anything the network or server does;
// only misuse (no credentials passed) throws.

const { typeError } = require('../errors.js')
const { SecretValue } = require('./secret-value.js')
const { TRACK_URLS } = require('./endpoints.js')

const DEFAULT_TIMEOUT_MS = 10_000

async function checkCredentials(credentials, options = {}) {
  if (credentials === null || typeof credentials !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'checkCredentials takes the credentials from loadCredentials')
  }
  const siteId = raw(credentials.siteId, 'siteId')
  const apiKey = raw(credentials.trackApiKey, 'trackApiKey')
  const { timeoutMs = DEFAULT_TIMEOUT_MS, signal, fetch: fetchFn = globalThis.fetch } = options
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0))
    throw typeError('ERR_INVALID_ARGUMENT', 'timeoutMs must be a number > 0')
  const configured = credentials.region === 'eu' ? 'eu' : credentials.region === 'us' ? 'us' : undefined
  const base = (credentials.trackUrl ?? TRACK_URLS[configured ?? 'us']).replace(/\/+$/, '')
  const endpoint = `${base}/accounts/region`

  const timeout = AbortSignal.timeout(timeoutMs)
  let response
  let body
  try {
    response = await fetchFn(endpoint, {
      method: 'GET',
      headers: {
        authorization: `Basic ${Buffer.from(`${siteId}:${apiKey}`).toString('base64')}`,
        accept: 'application/json',
      },
      // A redirect is reported, not followed: the credentials go to the configured host only.
      redirect: 'manual',
      signal: signal === undefined ? timeout : AbortSignal.any([timeout, signal]),
    })
    body = await response.text()
  } catch (error) {
    return { ok: false, reason: 'NETWORK', endpoint, detail: networkDetail(error, timeout) }
  }
  if (response.status === 401 || response.status === 403) {
    return { ok: false, reason: 'UNAUTHORIZED', status: response.status, endpoint }
  }
  if (response.status !== 200) return { ok: false, reason: 'UNEXPECTED_STATUS', status: response.status, endpoint }
  const answer = parse(body)
  if (answer === null) return { ok: false, reason: 'UNEXPECTED_RESPONSE', status: 200, endpoint }
  const region = answer.region.toLowerCase()
  const result = { ok: true, region, environmentId: answer.environment_id, url: answer.url, endpoint }
  if (configured !== undefined && configured !== region) result.regionMismatch = { configured, actual: region }
  return result
}

/** The raw text of a SecretValue or string; misuse names the field, never the value. */
function raw(value, field) {
  if (SecretValue.isSecretValue(value)) return value.reveal()
  if (typeof value === 'string' && value !== '') return value
  throw typeError('ERR_MISSING_CREDENTIAL', `checkCredentials needs credentials.${field} (a SecretValue or string)`)
}

/** {url, region, environment_id} with the right types, or null. */
function parse(body) {
  let json
  try {
    json = JSON.parse(body)
  } catch {
    return null
  }
  if (json === null || typeof json !== 'object' || typeof json.region !== 'string') return null
  const id = json.environment_id
  if (typeof id !== 'number' && typeof id !== 'string') return null
  return { region: json.region, environment_id: id, url: typeof json.url === 'string' ? json.url : undefined }
}

// A short, safe description: the error's code (ECONNREFUSED, ENOTFOUND...) or 'timeout' or
// 'aborted'; fetch errors carry the URL at most, never the headers.
function networkDetail(error, timeout) {
  if (timeout.aborted) return 'timeout'
  if (error?.name === 'AbortError') return 'aborted'
  const code = error?.cause?.code ?? error?.code
  return typeof code === 'string' ? code : (error?.name ?? 'error')
}

module.exports = { DEFAULT_TIMEOUT_MS, checkCredentials }
