// loadAuditKey: the audit log key from CUSTOMERIO_AUDIT_KEY and its id from
// CUSTOMERIO_AUDIT_KEY_ID. Set, non-empty and without surrounding whitespace, or a coded
// CustomerioSecurityError naming the variable; no error, message or printout ever holds the value.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { loadAuditKey } = require('../../lib/credentials/audit-key.js')
const { SecretValue } = require('../../lib/credentials/index.js')
const { openAuditLog, verifyAuditLog } = require('../../lib/audit/index.js')

const secret = () => `audit-${randomBytes(16).toString('hex')}`

/** The error loadAuditKey throws for `env`, checked to name the variable and never hold `value`. */
function refusal(env, value) {
  let error
  assert.throws(
    () => loadAuditKey({ env }),
    (e) => {
      error = e
      return true
    },
  )
  assert.equal(error.name, 'CustomerioSecurityError')
  assert.equal(error.variable, 'CUSTOMERIO_AUDIT_KEY')
  assert.match(error.message, /^customerio-security: CUSTOMERIO_AUDIT_KEY /)
  if (value !== undefined && value.trim() !== '') {
    for (const text of [error.message, error.stack, inspect(error), JSON.stringify(error)]) {
      assert.ok(!text.includes(value.trim()), 'the error holds the value')
    }
  }
  return error
}

test('a set key: a SecretValue that reveals it, the key id when set', () => {
  const key = secret()
  const loaded = loadAuditKey({ env: { CUSTOMERIO_AUDIT_KEY: key, CUSTOMERIO_AUDIT_KEY_ID: 'k7' } })
  assert.ok(SecretValue.isSecretValue(loaded.key))
  assert.equal(loaded.key.reveal(), key)
  assert.equal(loaded.keyId, 'k7')
  for (const text of [String(loaded.key), JSON.stringify(loaded), inspect(loaded)]) assert.ok(!text.includes(key))
})

test('the key id: not set or empty is undefined (the audit log then uses its default)', () => {
  const key = secret()
  assert.equal(loadAuditKey({ env: { CUSTOMERIO_AUDIT_KEY: key } }).keyId, undefined)
  assert.equal(loadAuditKey({ env: { CUSTOMERIO_AUDIT_KEY: key, CUSTOMERIO_AUDIT_KEY_ID: '' } }).keyId, undefined)
})

test('missing or empty: ERR_MISSING_CREDENTIAL', () => {
  for (const env of [{}, { CUSTOMERIO_AUDIT_KEY: '' }, { CUSTOMERIO_AUDIT_KEY_ID: 'k1' }]) {
    const error = refusal(env)
    assert.equal(error.code, 'ERR_MISSING_CREDENTIAL')
    assert.match(error.message, /CUSTOMERIO_AUDIT_KEY is not set or empty/)
  }
})

test('surrounding whitespace is refused, not trimmed: ERR_INVALID_CREDENTIAL without the value', () => {
  const key = secret()
  for (const value of [`${key}\n`, ` ${key}`, `\t${key} `, '  ']) {
    const error = refusal({ CUSTOMERIO_AUDIT_KEY: value }, value)
    assert.equal(error.code, 'ERR_INVALID_CREDENTIAL')
    assert.match(error.message, /leading or trailing whitespace/)
  }
})

test('a value that is not a string: ERR_INVALID_CREDENTIAL naming its type only', () => {
  const error = refusal({ CUSTOMERIO_AUDIT_KEY: 1234567 })
  assert.equal(error.code, 'ERR_INVALID_CREDENTIAL')
  assert.ok(!error.message.includes('1234567'))
})

test('process.env is the default source; bad options are misuse', () => {
  const key = secret()
  const saved = process.env.CUSTOMERIO_AUDIT_KEY
  process.env.CUSTOMERIO_AUDIT_KEY = key
  try {
    assert.equal(loadAuditKey().key.reveal(), key)
  } finally {
    if (saved === undefined) delete process.env.CUSTOMERIO_AUDIT_KEY
    else process.env.CUSTOMERIO_AUDIT_KEY = saved
  }
  for (const options of [null, 'env', { env: null }, { env: 'CUSTOMERIO_AUDIT_KEY' }]) {
    assert.throws(() => loadAuditKey(options), { name: 'CustomerioSecurityTypeError', code: 'ERR_INVALID_ARGUMENT' })
  }
})

test('what it returns opens an audit log whose records verify under the raw key and carry the key id', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cio-audit-key-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const key = secret()
  const file = join(dir, 'audit.jsonl')
  const audit = openAuditLog(file, loadAuditKey({ env: { CUSTOMERIO_AUDIT_KEY: key, CUSTOMERIO_AUDIT_KEY_ID: 'k7' } }))
  await audit.append({
    requestId: 'req-1',
    subject: 'person-1@example.com',
    jurisdiction: 'gdpr',
    receivedAt: new Date(Date.UTC(2026, 0, 1)),
    completedAt: new Date(Date.UTC(2026, 0, 1, 0, 1)),
    actions: [{ action: 'suppress', status: 200, attempts: 1 }],
    outcome: 'done',
    actor: 'dpo@example.com',
    policyVersion: '2026-01',
  })
  await audit.close()
  const result = verifyAuditLog(file, { key })
  assert.equal(result.valid, true)
  assert.equal(result.records, 1)
  assert.equal(verifyAuditLog(file, { key: `${key}x` }).valid, false)
  const text = readFileSync(file, 'utf8')
  assert.match(text, /"k7"/)
  assert.ok(!text.includes(key))
})
