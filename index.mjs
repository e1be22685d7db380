// ESM entry: the same objects as the CommonJS entry, so `instanceof` and caches are shared.
import cjs from './index.js'

export const {
  CustomerioSecurityError,
  CustomerioSecurityTypeError,
  ERASURE_MODES,
  MAX_ID_BYTES,
  WEBHOOK_FAILURES,
  WebhookVerifier,
  createSanitizer,
  customerioCdpPlugin,
  customerioWebhook,
  eraseMany,
  erasePerson,
  formatAuditHead,
  openAuditLog,
  sanitizeAttributes,
  secureTrackClient,
  signWebhook,
  verifyAuditLog,
  verifyWebhook,
} = cjs
export default cjs
