'use strict'

// Credentials: loading and shape checks, the leak-proof SecretValue, scrub() for logs, a
// self-test against the Track API, and a holder that rotates them without downtime.

const { SecretValue } = require('./secret-value.js')
const { forgetSecrets } = require('./live-secrets.js')
const { loadCredentials } = require('./load.js')
const { scrub } = require('./scrub.js')
const { checkCredentials } = require('./check.js')
const { createCredentialHolder } = require('./holder.js')
const { createTrackClient } = require('./track-factory.js')

module.exports = {
  SecretValue,
  checkCredentials,
  createCredentialHolder,
  createTrackClient,
  forgetSecrets,
  loadCredentials,
  scrub,
}
