'use strict'

// The credentials `erase`, `audit-log`, `requests` and `export-person` read from the environment,
// through lib/credentials: the Track API credentials through loadCredentials (the same rules as
// the library and `check`: shapes, trimming with a warning, CUSTOMERIO_REGION, an https
// CUSTOMERIO_TRACK_URL), the audit log key through loadAuditKey. Their coded errors become usage
// errors (exit 2); they name the variable and the problem, never the value.

const { PREFIX } = require('../errors.js')
const { loadCredentials } = require('../credentials/load.js')
const { loadAuditKey } = require('../credentials/audit-key.js')
const { UsageError } = require('./usage.js')

/**
 * A CustomerioSecurityError from lib/credentials as a UsageError, its message without the
 * package prefix, after its code when `withCode`; anything else is rethrown as it is.
 */
function asUsageError(error, { withCode }) {
  if (error?.name !== 'CustomerioSecurityError' || typeof error.code !== 'string') return error
  const message = error.message.startsWith(PREFIX) ? error.message.slice(PREFIX.length) : error.message
  return new UsageError(withCode ? `${error.code}: ${message}` : message)
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
    throw asUsageError(error, { withCode: true })
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

/**
 * The audit log key (a SecretValue) and its id. The message is loadAuditKey's without its code,
 * as these commands have always printed it.
 */
function auditKey(env) {
  try {
    return loadAuditKey({ env })
  } catch (error) {
    throw asUsageError(error, { withCode: false })
  }
}

module.exports = { auditKey, trackCredentials }
