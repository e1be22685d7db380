'use strict'

// The App API credentials of `export-person` and `erase --verify`, read through loadCredentials
// (shapes, trimming with a warning, CUSTOMERIO_REGION, CUSTOMERIO_APP_API_URL), and the
// customerio-node APIClient built from them. Errors name the variable, never the value.

const { PREFIX } = require('../errors.js')
const { loadCredentials } = require('../credentials/load.js')
const { UsageError } = require('./usage.js')

/** `{ appApiKey, region, url }`: `--region` (when given) wins over CUSTOMERIO_REGION. */
async function appCredentials(env, { region, warn = () => {} } = {}) {
  let credentials
  try {
    credentials = await loadCredentials({
      env: region === undefined ? env : { ...env, CUSTOMERIO_REGION: region },
      require: ['appApiKey'],
      onWarning: (warning) => warn(warning.message),
    })
  } catch (error) {
    if (error?.name !== 'CustomerioSecurityError' || typeof error.code !== 'string') throw error
    throw new UsageError(
      `${error.code}: ${error.message.startsWith(PREFIX) ? error.message.slice(PREFIX.length) : error.message}`,
    )
  }
  return { appApiKey: credentials.appApiKey, region: credentials.region, url: credentials.appApiUrl }
}

/** customerio-node's APIClient with its own retries off: our policy counts and paces every request. */
function appClient({ appApiKey, url }, command) {
  let APIClient
  try {
    ;({ APIClient } = require('customerio-node'))
  } catch (error) {
    if (error?.code !== 'MODULE_NOT_FOUND') throw error
    throw new UsageError(`the ${command} command needs customerio-node 5: npm install customerio-node`)
  }
  return new APIClient(appApiKey.reveal(), { url, retry: { maxRetries: 0 } })
}

module.exports = { appClient, appCredentials }
