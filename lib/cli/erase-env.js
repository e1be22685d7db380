'use strict'

// The credentials `erase` and `audit-log` read from the environment. Errors name the variable
// and the problem, never the value.

const { UsageError } = require('./usage.js')

/** A required variable: set, non-empty, and without surrounding whitespace (a pasted newline). */
function requiredVariable(env, name, what) {
  const value = env[name]
  if (value === undefined || value === '') throw new UsageError(`${name} is not set or empty: it must hold ${what}`)
  if (value.trim() !== value) throw new UsageError(`${name} has leading or trailing whitespace (a pasted newline?): remove it`)
  return value
}

/** The site id and Track API key, the audit key, and the optional base URL override. */
function trackCredentials(env) {
  const siteId = requiredVariable(env, 'CUSTOMERIO_SITE_ID', 'the workspace site id')
  const apiKey = requiredVariable(env, 'CUSTOMERIO_TRACK_API_KEY', 'the Track API key')
  const url = env.CUSTOMERIO_TRACK_URL
  if (url !== undefined && url !== '') checkUrl(url)
  return { siteId, apiKey, url: url === '' ? undefined : url }
}

function auditKey(env) {
  const key = requiredVariable(env, 'CUSTOMERIO_AUDIT_KEY', 'the audit log key')
  const keyId = env.CUSTOMERIO_AUDIT_KEY_ID
  return { key, keyId: keyId === '' ? undefined : keyId }
}

function checkUrl(text) {
  let url
  try {
    url = new URL(text)
  } catch {
    throw new UsageError('CUSTOMERIO_TRACK_URL is not a URL: it must be a base URL such as https://track.customer.io/api/v1')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('CUSTOMERIO_TRACK_URL must be an http(s) URL')
  if (url.username !== '' || url.password !== '') throw new UsageError('CUSTOMERIO_TRACK_URL must not hold credentials: use CUSTOMERIO_SITE_ID and CUSTOMERIO_TRACK_API_KEY')
  if (!url.pathname.endsWith('/api/v1')) throw new UsageError('CUSTOMERIO_TRACK_URL must end with /api/v1 (the v2 batch URL is derived from it)')
}

module.exports = { auditKey, requiredVariable, trackCredentials }
