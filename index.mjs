// ESM entry: the same objects as the CommonJS entry, so `instanceof` and caches are shared.
import cjs from './index.js'

export const {
  CustomerioSecurityError,
  CustomerioSecurityTypeError,
  WEBHOOK_FAILURES,
  WebhookVerifier,
  createSanitizer,
  customerioWebhook,
  sanitizeAttributes,
  signWebhook,
  verifyWebhook,
} = cjs
export default cjs
