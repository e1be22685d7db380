'use strict'

// The default clientFactory: a customerio-node TrackClient for a set of loaded credentials.
// customerio-node is the user's dependency (a peer), loaded only when this runs.

const { CustomerioSecurityError, typeError } = require('../errors.js')
const { SecretValue } = require('./secret-value.js')

/** new TrackClient(siteId, key, { region, url, ...defaults }) from loadCredentials' result. */
function createTrackClient(credentials, defaults = {}) {
  if (!SecretValue.isSecretValue(credentials?.siteId) || !SecretValue.isSecretValue(credentials?.trackApiKey)) {
    throw typeError('ERR_MISSING_CREDENTIAL', 'a TrackClient needs credentials.siteId and credentials.trackApiKey')
  }
  let cio
  try {
    cio = require('customerio-node')
  } catch (cause) {
    throw new CustomerioSecurityError('ERR_MISSING_DEPENDENCY', 'customerio-node is not installed (npm install customerio-node)', { cause })
  }
  const region = credentials.region === 'eu' ? cio.RegionEU : cio.RegionUS
  return new cio.TrackClient(credentials.siteId.reveal(), credentials.trackApiKey.reveal(), {
    region,
    url: credentials.trackUrl,
    ...defaults,
  })
}

module.exports = { createTrackClient }
