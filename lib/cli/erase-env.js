'use strict'

// The credentials `erase` and `audit-log` read from the environment. The Track API credentials go
// through loadCredentials (the same rules as the library and `check`: shapes, trimming with a
// warning, CUSTOMERIO_REGION, an https CUSTOMERIO_TRACK_URL); errors name the variable and the
// problem, never the value.

const { PREFIX } = require('../errors.js')
const { loadCredentials } = require('../credentials/load.js')
const { UsageError } = require('./usage.js')

/** A required variable: set, non-empty, and without surrounding whitespace (a pasted newline). */
function requiredVariable(env, name, what) {
  const value = env[name]
  if (value === undefined || value === '') throw new UsageError(`${name} is not set or empty: it must hold ${what}`)
  if (value.trim() !== value)
    throw new UsageError(`${name} has leading or trailing whitespace (a pasted newline?): remove it`)
  return value
}

/**
 * The site id and Track API key, the region, and the base URL override when one is set.
 * `warn(message)` receives loadCredentials' warnings (a trimmed newline, say).
 */
async function trackCredentials(env, { allowInsecureTrackUrl = false, warn = () => {} } = {}) {
  let credentials
  try {
    credentials = await loadCredentials({ env, allowInsecureTrackUrl, onWarning: (warning) => warn(warning.message) })
  } catch (error) {
    if (error?.name !== 'CustomerioSecurityError' || typeof error.code !== 'string') throw error
    throw new UsageError(
      `${error.code}: ${error.message.startsWith(PREFIX) ? error.message.slice(PREFIX.length) : error.message}`,
    )
  }
  const override = typeof env.CUSTOMERIO_TRACK_URL === 'string' && env.CUSTOMERIO_TRACK_URL.trim() !== ''
  // The v2 batch URL is derived from the v1 base: anything else would send batches astray.
  if (override && !credentials.trackUrl.endsWith('/api/v1')) {
    throw new UsageError('CUSTOMERIO_TRACK_URL must end with /api/v1 (the v2 batch URL is derived from it)')
  }
  return {
    siteId: credentials.siteId.reveal(),
    apiKey: credentials.trackApiKey.reveal(),
    region: credentials.region,
    url: override ? credentials.trackUrl : undefined,
  }
}

function auditKey(env) {
  const key = requiredVariable(env, 'CUSTOMERIO_AUDIT_KEY', 'the audit log key')
  const keyId = env.CUSTOMERIO_AUDIT_KEY_ID
  return { key, keyId: keyId === '' ? undefined : keyId }
}

module.exports = { auditKey, requiredVariable, trackCredentials }
