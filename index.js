'use strict'

// The public entry point: the native core's webhook verifier, wrapped with argument checks,
// plus the Express middleware. See index.d.ts for the documented API.

const { CustomerioSecurityTypeError } = require('./lib/errors.js')
const { WEBHOOK_FAILURES, WebhookVerifier, signWebhook, verifyWebhook } = require('./lib/webhook/verify.js')
const { customerioWebhook } = require('./lib/webhook/express.js')

module.exports = {
  CustomerioSecurityTypeError,
  WEBHOOK_FAILURES,
  WebhookVerifier,
  customerioWebhook,
  signWebhook,
  verifyWebhook,
}
