// Loaded credentials fit every API that takes a secret, pepper or key: a SecretValue (a list of
// them, or a function returning them) works where its text does and gives the same result.

import test from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const cio = require('../../index.js')
const {
  SecretValue,
  WebhookVerifier,
  createSanitizer,
  loadCredentials,
  openAuditLog,
  signWebhook,
  verifyAuditLog,
  verifyWebhook,
} = cio

const NOW = 1_700_000_000
const BODY = '{"event_id":"01H","object_type":"email","metric":"sent"}'

test('loadCredentials().webhookSecrets goes to every webhook API as it is', async () => {
  const credentials = await loadCredentials({
    env: { CUSTOMERIO_WEBHOOK_SECRET: 'old-key,new-key' },
    require: ['webhookSecrets'],
  })
  const headers = signWebhook(BODY, credentials.webhookSecrets[1], { timestamp: NOW })
  // The oracle: node:crypto over v0:<timestamp>:<body> with the raw text.
  assert.equal(headers['x-cio-signature'], createHmac('sha256', 'new-key').update(`v0:${NOW}:${BODY}`).digest('hex'))
  const delivery = {
    body: BODY,
    signature: headers['x-cio-signature'],
    timestamp: headers['x-cio-timestamp'],
    now: NOW,
  }
  assert.deepEqual(verifyWebhook({ ...delivery, secret: credentials.webhookSecrets }), {
    valid: true,
    secretIndex: 1,
    timestamp: NOW,
  })
  assert.equal(verifyWebhook({ ...delivery, secret: credentials.webhookSecrets[1] }).valid, true)
  assert.equal(verifyWebhook({ ...delivery, secret: credentials.webhookSecrets[0] }).reason, 'SIGNATURE_MISMATCH')
  assert.equal(new WebhookVerifier({ secret: credentials.webhookSecrets }).verify(delivery).secretIndex, 1)
  assert.equal(new WebhookVerifier({ secret: () => credentials.webhookSecrets }).verify(delivery).secretIndex, 1)
  assert.equal(new WebhookVerifier({ secret: () => credentials.webhookSecrets[1] }).verify(delivery).valid, true)
  // The middleware is built without ERR_INVALID_SECRET.
  assert.equal(typeof cio.customerioWebhook({ secret: credentials.webhookSecrets }), 'function')
})

test('a SecretValue pepper gives the digests of its text', () => {
  const policy = (key) => ({ fields: { loyalty_id: 'hmac' }, pepper: { key, keyId: 'k1' } })
  const attributes = { loyalty_id: 'L-1234' }
  const fromText = createSanitizer(policy('pepper-text')).sanitize(attributes)
  const fromSecret = createSanitizer(policy(new SecretValue('pepper-text'))).sanitize(attributes)
  assert.deepEqual(fromSecret, fromText)
  assert.equal(fromText.loyalty_id_hash, `k1:${createHmac('sha256', 'pepper-text').update('L-1234').digest('hex')}`)
})

test('a SecretValue audit key opens and verifies the log its text wrote', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cio-secret-key-'))
  try {
    const file = join(dir, 'audit.jsonl')
    const log = openAuditLog(file, { key: new SecretValue('audit-key-text') })
    await log.append({ requestId: 'r1', subject: 'user-1', receivedAt: 0, actions: [], outcome: 'done' })
    await log.close()
    assert.equal(verifyAuditLog(file, { key: 'audit-key-text' }).valid, true)
    assert.equal(verifyAuditLog(file, { key: new SecretValue('audit-key-text') }).valid, true)
    assert.equal(verifyAuditLog(file, { key: new SecretValue('another-key') }).valid, false)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('an unset secret still fails when the middleware is built', () => {
  assert.throws(() => cio.customerioWebhook({ secret: undefined }), { code: 'ERR_MISSING_SECRET' })
  assert.throws(
    () => cio.customerioWebhook({ secret: [new SecretValue('k'), 42] }),
    (error) => {
      assert.equal(error.code, 'ERR_INVALID_SECRET')
      assert.match(error.message, /SecretValue/)
      return true
    },
  )
})
