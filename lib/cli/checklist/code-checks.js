'use strict'

// Are the package's protections used in the scanned code? Webhook verification and PII
// sanitization, found by name in source files. Absent is a warning: a service may not receive
// webhooks, or may send no attributes, and only its authors know.

const SOURCE = /\.(?:[cm]?[jt]sx?)$/
const USES = {
  'webhook-verification': {
    title: 'webhook signatures verified',
    pattern: /\b(customerioWebhook|verifyWebhook|WebhookVerifier|verifyRequestSignature)\b/,
    missing:
      'no customerioWebhook/verifyWebhook/verifyRequestSignature in the code: verify every Customer.io webhook you receive',
  },
  'pii-sanitization': {
    title: 'attributes sanitized before they are sent',
    pattern: /\b(sanitizeAttributes|createSanitizer|secureTrackClient|customerioCdpPlugin)\b/,
    missing: 'no sanitizeAttributes/createSanitizer/secureTrackClient in the code: personal data may be sent as it is',
  },
}

/** Collects, from each source file's text, which protections it uses. */
class CodeUses {
  constructor() {
    this.files = new Map(Object.keys(USES).map((id) => [id, []]))
  }

  add(file, text) {
    if (!SOURCE.test(file)) return
    for (const [id, { pattern }] of Object.entries(USES)) {
      if (pattern.test(text)) this.files.get(id).push(file)
    }
  }

  checks() {
    return Object.entries(USES).map(([id, { title, missing }]) => {
      const files = this.files.get(id)
      if (files.length === 0) return { id, title, status: 'warn', summary: missing, details: [] }
      return {
        id,
        title,
        status: 'pass',
        summary: `used in ${files.length} file${files.length === 1 ? '' : 's'}`,
        details: files.map((f) => `used in ${f}`),
      }
    })
  }
}

module.exports = { CodeUses }
