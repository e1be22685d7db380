// The erasure audit log on real files: every kind of tampering named at its line, truncation
// caught against a saved head, concurrent appends kept whole and in order, a torn last line
// recovered, and no raw identifier or key anywhere in the file.

import test from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { openAuditLog, verifyAuditLog, formatAuditHead } = require('../../index.js')

const KEY = 'audit-key-canary-4f1d'

function tempLog(t) {
  const dir = mkdtempSync(join(tmpdir(), 'cio-audit-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'audit.jsonl')
}

function record(i) {
  return {
    requestId: `req-${i}`,
    subject: `person-${i}@example.com`,
    jurisdiction: i % 2 ? 'gdpr' : 'ccpa',
    receivedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    completedAt: new Date(Date.UTC(2026, 0, 1, 0, 1, i)),
    actions: [{ action: 'suppress', status: 200, attempts: 1 + (i % 3) }],
    outcome: 'done',
    actor: 'dpo@example.com',
    policyVersion: '2026-01',
  }
}

async function writeLog(path, count) {
  const log = openAuditLog(path, { key: KEY, keyId: 'k2026' })
  let head
  for (let i = 1; i <= count; i++) head = await log.append(record(i))
  await log.close()
  return head
}

const lines = (path) => readFileSync(path, 'utf8').split('\n').filter(Boolean)
const rewrite = (path, list) => writeFileSync(path, list.map((l) => l + '\n').join(''))

test('an untouched log verifies, with and without its saved head', async (t) => {
  const path = tempLog(t)
  const head = await writeLog(path, 6)
  assert.deepEqual(verifyAuditLog(path, { key: KEY }), { valid: true, records: 6, head })
  assert.equal(verifyAuditLog(path, { key: KEY, expectedHead: head }).valid, true)
  assert.equal(verifyAuditLog(path, { key: KEY, expectedHead: formatAuditHead(head) }).valid, true)
})

test('each record holds what an erasure record needs, the subject only as a keyed hash', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 1)
  const written = JSON.parse(lines(path)[0])
  assert.deepEqual(Object.keys(written), [
    'seq',
    'prev',
    'key_id',
    'request_id',
    'subject',
    'jurisdiction',
    'received_at',
    'completed_at',
    'actions',
    'outcome',
    'reason',
    'actor',
    'policy_version',
    'mac',
  ])
  assert.equal(written.seq, 1)
  assert.equal(written.prev, '0'.repeat(64))
  assert.equal(written.key_id, 'k2026')
  assert.equal(written.received_at, '2026-01-01T00:00:01.000Z')
  assert.match(written.subject, /^[0-9a-f]{64}$/)
  // The subject key is HMAC(auditKey, label): recompute it with node:crypto as an oracle.
  const subjectKey = createHmac('sha256', KEY).update('customerio-security audit subject v1').digest()
  assert.equal(written.subject, createHmac('sha256', subjectKey).update('person-1@example.com').digest('hex'))
  // And the seal: HMAC(chainKey, the line without its mac member).
  const chainKey = createHmac('sha256', KEY).update('customerio-security audit chain v1').digest()
  const line = lines(path)[0]
  const body = line.slice(0, line.lastIndexOf(',"mac":')) + '}'
  assert.equal(written.mac, createHmac('sha256', chainKey).update(body).digest('hex'))
  const text = readFileSync(path, 'utf8')
  assert.ok(!text.includes('person-1'), 'no raw identifier in the file')
  assert.ok(!text.includes(KEY), 'no key in the file')
})

test('an edited record is named as BAD_MAC at its line', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 5)
  const list = lines(path)
  list[2] = list[2].replace('"outcome":"done"', '"outcome":"failed"')
  rewrite(path, list)
  const result = verifyAuditLog(path, { key: KEY })
  assert.equal(result.valid, false)
  assert.equal(result.reason, 'BAD_MAC')
  assert.equal(result.firstBadRecord, 3)
  assert.equal(result.records, 2)
})

test('a deleted record is named as OUT_OF_SEQUENCE where the gap is', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 5)
  const list = lines(path)
  list.splice(1, 1)
  rewrite(path, list)
  assert.deepEqual(pick(verifyAuditLog(path, { key: KEY })), {
    valid: false,
    reason: 'OUT_OF_SEQUENCE',
    firstBadRecord: 2,
  })
})

test('reordered records are named as OUT_OF_SEQUENCE', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 5)
  const list = lines(path)
  ;[list[3], list[4]] = [list[4], list[3]]
  rewrite(path, list)
  assert.deepEqual(pick(verifyAuditLog(path, { key: KEY })), {
    valid: false,
    reason: 'OUT_OF_SEQUENCE',
    firstBadRecord: 4,
  })
})

test('truncation passes alone but is caught against the saved head', async (t) => {
  const path = tempLog(t)
  const head = await writeLog(path, 5)
  rewrite(path, lines(path).slice(0, 3))
  assert.equal(verifyAuditLog(path, { key: KEY }).valid, true, 'a chain alone cannot see a cut tail')
  assert.deepEqual(pick(verifyAuditLog(path, { key: KEY, expectedHead: head })), {
    valid: false,
    reason: 'TRUNCATED',
    firstBadRecord: 5,
  })
})

test('a log rewritten from scratch with the key mismatches the saved head', async (t) => {
  const path = tempLog(t)
  const head = await writeLog(path, 3)
  rmSync(path)
  const log = openAuditLog(path, { key: KEY })
  for (let i = 1; i <= 4; i++) await log.append({ ...record(i), outcome: 'failed', reason: 'rewritten' })
  await log.close()
  assert.deepEqual(pick(verifyAuditLog(path, { key: KEY, expectedHead: head })), {
    valid: false,
    reason: 'HEAD_MISMATCH',
    firstBadRecord: 3,
  })
})

test('a record forged without the key is BAD_MAC', async (t) => {
  const path = tempLog(t)
  const head = await writeLog(path, 2)
  const forgedBody = JSON.stringify({
    seq: 3,
    prev: head.mac,
    key_id: 'k2026',
    request_id: 'forged',
    subject: 'x',
    outcome: 'done',
  })
  const forgedMac = createHmac('sha256', 'a guessed key').update(forgedBody).digest('hex')
  appendFileSync(path, forgedBody.slice(0, -1) + `,"mac":"${forgedMac}"}\n`)
  assert.deepEqual(pick(verifyAuditLog(path, { key: KEY })), { valid: false, reason: 'BAD_MAC', firstBadRecord: 3 })
})

test('the wrong key fails at the first record', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 2)
  assert.deepEqual(pick(verifyAuditLog(path, { key: 'not the key' })), {
    valid: false,
    reason: 'BAD_MAC',
    firstBadRecord: 1,
  })
})

test('concurrent appends from one process are whole, in call order and chained', async (t) => {
  const path = tempLog(t)
  const log = openAuditLog(path, { key: KEY })
  const heads = await Promise.all(Array.from({ length: 300 }, (_, i) => log.append(record(i + 1))))
  await log.close()
  assert.deepEqual(
    heads.map((h) => h.seq),
    Array.from({ length: 300 }, (_, i) => i + 1),
  )
  const written = lines(path).map((line) => JSON.parse(line))
  assert.deepEqual(
    written.map((r) => r.request_id),
    Array.from({ length: 300 }, (_, i) => `req-${i + 1}`),
  )
  assert.deepEqual(verifyAuditLog(path, { key: KEY, expectedHead: heads.at(-1) }).valid, true)
})

test('reopening continues the chain', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 2)
  const head = await writeLog(path, 2)
  assert.equal(head.seq, 4)
  assert.equal(verifyAuditLog(path, { key: KEY, expectedHead: head }).valid, true)
})

test('a last line torn by a crash is dropped on open, and a tampered log is refused', async (t) => {
  const path = tempLog(t)
  await writeLog(path, 3)
  const text = readFileSync(path, 'utf8')
  writeFileSync(path, text + text.split('\n')[0].slice(0, 40))
  assert.equal(verifyAuditLog(path, { key: KEY }).reason, 'INCOMPLETE_LAST_LINE')
  const log = openAuditLog(path, { key: KEY })
  assert.equal(log.head().seq, 3)
  await log.append(record(4))
  await log.close()
  assert.equal(verifyAuditLog(path, { key: KEY }).valid, true)

  const list = lines(path)
  list[0] = list[0].replace('"gdpr"', '"ccpa"')
  rewrite(path, list)
  assert.throws(() => openAuditLog(path, { key: KEY }), { code: 'ERR_AUDIT_LOG_INVALID' })
})

test('misuse is refused with a code, and nothing shows the key', async (t) => {
  const path = tempLog(t)
  assert.throws(() => openAuditLog(path, {}), { code: 'ERR_MISSING_AUDIT_KEY' })
  assert.throws(() => openAuditLog(path, { key: '' }), { code: 'ERR_MISSING_AUDIT_KEY' })
  assert.throws(() => openAuditLog(path, { key: KEY, keyId: 'has space' }), { code: 'ERR_INVALID_KEY_ID' })
  const log = openAuditLog(path, { key: KEY })
  await assert.rejects(log.append({ ...record(1), outcome: 'maybe' }), { code: 'ERR_INVALID_AUDIT_RECORD' })
  await assert.rejects(log.append({ ...record(1), subject: '' }), { code: 'ERR_INVALID_AUDIT_RECORD' })
  await assert.rejects(log.append({ ...record(1), receivedAt: 'not a date' }), { code: 'ERR_INVALID_AUDIT_RECORD' })
  for (const shown of [inspect(log), JSON.stringify(log), String(log)]) assert.ok(!shown.includes(KEY), shown)
  await log.close()
  await log.close() // a second close is harmless
  assert.throws(() => verifyAuditLog(path, { key: KEY, expectedHead: 'nonsense' }), { code: 'ERR_INVALID_HEAD' })
  assert.throws(
    () => verifyAuditLog(path + '.missing', { key: KEY }),
    (error) => {
      assert.equal(error.code, 'ERR_AUDIT_LOG_UNREADABLE')
      assert.ok(!error.message.includes(KEY))
      return true
    },
  )
})

function pick(result) {
  return { valid: result.valid, reason: result.reason, firstBadRecord: result.firstBadRecord }
}
