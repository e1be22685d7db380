'use strict'

// The default clientFactory: a customerio-node TrackClient for a set of loaded credentials.
// customerio-node is the user's dependency (a peer), loaded only when this runs.

const { inspect } = require('node:util')
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
    throw new CustomerioSecurityError(
      'ERR_MISSING_DEPENDENCY',
      'customerio-node is not installed (npm install customerio-node)',
      { cause },
    )
  }
  const region = credentials.region === 'eu' ? cio.RegionEU : cio.RegionUS
  const client = new cio.TrackClient(credentials.siteId.reveal(), credentials.trackApiKey.reveal(), {
    region,
    url: credentials.trackUrl,
    ...defaults,
  })
  return redacted(client, credentials)
}

/**
 * The client as it is for calls and `instanceof TrackClient`, but with nothing to print:
 * customerio-node keeps `siteid` and `apikey` in public fields (and a Basic header in
 * `request.auth`), which util.inspect, console.log and JSON.stringify of the client would show.
 * The Proxy's target is an empty object whose prototype is the client (util.inspect looks at a
 * Proxy's target directly), with its own inspect and toJSON; writes go to the client itself.
 */
function redacted(client, credentials) {
  const shown = `TrackClient { siteid: [REDACTED], apikey: [REDACTED], region: ${credentials.region}, url: ${credentials.trackUrl} }`
  const shadow = Object.create(client)
  Object.defineProperty(shadow, inspect.custom, { value: () => shown })
  Object.defineProperty(shadow, 'toJSON', {
    value: () => ({ trackClient: '[REDACTED]', region: credentials.region, trackUrl: credentials.trackUrl }),
  })
  return new Proxy(shadow, {
    set(target, key, value) {
      return Reflect.set(client, key, value)
    },
  })
}

module.exports = { createTrackClient }
