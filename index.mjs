// ESM entry: the same objects as the CommonJS entry, so `instanceof` and caches are shared.
import cjs from './index.js'

export const {
  CustomerioSecurityTypeError,
  WEBHOOK_FAILURES,
  WebhookVerifier,
  customerioWebhook,
  signWebhook,
  verifyWebhook,
} = cjs
export default cjs
