'use strict'

// The public entry point: the native core's webhook verifier and PII sanitizer, wrapped with
// argument checks, plus the Express middleware. See index.d.ts for the documented API.

const { CustomerioSecurityError, CustomerioSecurityTypeError } = require('./lib/errors.js')
const { SENSITIVE_CLASSES, createSanitizer, sanitizeAttributes } = require('./lib/sanitize/index.js')
const { createSanitizeStream, sanitizeNdjson } = require('./lib/sanitize/bulk.js')
const { WEBHOOK_FAILURES, WebhookVerifier, signWebhook, verifyWebhook } = require('./lib/webhook/verify.js')
const { customerioWebhook, keepRawBody } = require('./lib/webhook/express.js')
const { memoryDedupeStore, redisDedupeStore } = require('./lib/webhook/dedupe/index.js')
const { customerioFastify } = require('./lib/webhook/fastify.js')
const { customerioNodeHandler } = require('./lib/webhook/node-http.js')
const { customerioFetchHandler, verifyWebhookRequest } = require('./lib/webhook/fetch.js')
const { customerioIpAllowList } = require('./lib/webhook/ip-allow-list.js')
const { refreshIpAllowList } = require('./lib/webhook/ip-refresh.js')
const { CUSTOMERIO_IP_ADDRESSES } = require('./lib/webhook/customerio-ips.js')
const { createEventRedactor, redactEvent } = require('./lib/webhook/redact-event.js')
const { secureTrackClient } = require('./lib/integrations/track-client.js')
const { customerioCdpPlugin } = require('./lib/integrations/cdp-plugin.js')
const { formatAuditHead, openAuditLog, verifyAuditLog } = require('./lib/audit/index.js')
const { ERASURE_MODES, MAX_ID_BYTES, eraseMany, erasePerson } = require('./lib/erasure/index.js')
const { exportPerson, recordRequest, requestStatus } = require('./lib/dsr/index.js')
const {
  SecretValue,
  checkCredentials,
  createCredentialHolder,
  createTrackClient,
  forgetSecrets,
  loadCredentials,
  scrub,
} = require('./lib/credentials/index.js')

module.exports = {
  CUSTOMERIO_IP_ADDRESSES,
  CustomerioSecurityError,
  CustomerioSecurityTypeError,
  ERASURE_MODES,
  MAX_ID_BYTES,
  SENSITIVE_CLASSES,
  SecretValue,
  WEBHOOK_FAILURES,
  WebhookVerifier,
  checkCredentials,
  createCredentialHolder,
  createEventRedactor,
  createSanitizeStream,
  createSanitizer,
  createTrackClient,
  customerioCdpPlugin,
  customerioFastify,
  customerioFetchHandler,
  customerioIpAllowList,
  customerioNodeHandler,
  customerioWebhook,
  eraseMany,
  erasePerson,
  exportPerson,
  forgetSecrets,
  formatAuditHead,
  keepRawBody,
  loadCredentials,
  memoryDedupeStore,
  openAuditLog,
  recordRequest,
  redactEvent,
  redisDedupeStore,
  refreshIpAllowList,
  requestStatus,
  sanitizeAttributes,
  sanitizeNdjson,
  scrub,
  secureTrackClient,
  signWebhook,
  verifyAuditLog,
  verifyWebhook,
  verifyWebhookRequest,
}
