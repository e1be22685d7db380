// Erasure proven (erasePerson/eraseMany with `verify`: the App API asked whether the person can
// still be found, the answer in the audit record), request receipts in the audit log, and the
// legal deadlines read back by requestStatus.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
import { startFakeAppApi } from '../helpers/fake-app-api.mjs'
import { appClient, tempDir } from '../helpers/app-api.mjs'
import { AUDIT_KEY, SKIP_NODE20, trackClient } from '../helpers/erasure.mjs'

const require = createRequire(import.meta.url)
const { eraseMany, erasePerson, openAuditLog, recordRequest, requestStatus, verifyAuditLog } = require('../../index.js')
const { deadlineOf } = require('../../lib/dsr/deadlines.js')

const records = (path) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))

/** The Track API erases; the App API stops finding the person after `lookups` attribute calls. */
async function setup(t, ids, lookups = 1) {
  const track = await startFakeTrackApi()
  const app = await startFakeAppApi()
  t.after(() => Promise.all([track.close(), app.close()]))
  for (const id of ids) {
    app.addPerson({ id, attributes: { x: 1 } })
    app.removeAfter(id, lookups)
  }
  return { track, app }
}

test('erasePerson with verify: gone at once is verified true, with the time, in the result and the audit record', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { track, app } = await setup(t, ['gone~1'], 0)
  app.remove('gone~1')
  const dir = await tempDir(t)
  const audit = openAuditLog(join(dir, 'audit.jsonl'), { key: AUDIT_KEY })
  const before = Date.now()
  const result = await erasePerson(trackClient(track), 'gone~1', {
    audit,
    verify: { client: appClient(app), waitMs: 0 },
  })
  await audit.close()
  assert.equal(result.status, 'done')
  assert.equal(result.verified, true)
  const [record] = records(join(dir, 'audit.jsonl'))
  assert.equal(record.kind, 'erasure')
  assert.equal(record.verified, true)
  assert.ok(Date.parse(record.verified_at) >= before - 1000)
  assert.deepEqual(
    app.requests.map((r) => [r.path, r.status]),
    [['/v1/customers/gone~1/attributes', 404]],
  )
})

test('a person deleted late is asked about again until gone; one still found after the wait is a failure', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { track, app } = await setup(t, ['late~1', 'stuck~1'], 3)
  app.removeAfter('stuck~1', Infinity)
  const dir = await tempDir(t)
  const audit = openAuditLog(join(dir, 'audit.jsonl'), { key: AUDIT_KEY })
  const verify = { client: appClient(app), waitMs: 400, intervalMs: 50 }
  const late = await erasePerson(trackClient(track), 'late~1', { audit, verify })
  const stuck = await erasePerson(trackClient(track), 'stuck~1', { audit, verify })
  await audit.close()
  assert.equal(late.verified, true)
  assert.equal(late.status, 'done')
  assert.deepEqual(
    app.requests.filter((r) => r.path.includes('late')).map((r) => r.status),
    [200, 200, 200, 404],
  )
  assert.equal(stuck.verified, false)
  assert.equal(stuck.status, 'failed')
  assert.match(stuck.reason, /still found by the App API after/)
  const [, second] = records(join(dir, 'audit.jsonl'))
  assert.equal(second.outcome, 'failed')
  assert.equal(second.verified, false)
  assert.ok(!readFileSync(join(dir, 'audit.jsonl'), 'utf8').includes('stuck~1'))
})

test('eraseMany with verify: a person still found is a dead letter like the others, and the next run retries it', {
  skip: SKIP_NODE20,
}, async (t) => {
  const ids = ['m~1', 'm~2', 'm~3']
  const { track, app } = await setup(t, ids, 1)
  app.removeAfter('m~2', Infinity)
  const dir = await tempDir(t)
  const audit = openAuditLog(join(dir, 'audit.jsonl'), { key: AUDIT_KEY })
  const journal = join(dir, 'journal.jsonl')
  const verify = { client: appClient(app), waitMs: 1000, intervalMs: 50 }
  const summary = await eraseMany(trackClient(track), ids, { journal, audit, verify, concurrency: 2 })
  assert.equal(summary.done, 2)
  assert.equal(summary.failed, 1)
  assert.deepEqual(
    summary.deadLetters.map((d) => [d.id, d.status]),
    [['m~2', null]],
  )
  assert.match(summary.deadLetters[0].reason, /still found/)
  app.remove('m~2')
  const again = await eraseMany(trackClient(track), ids, { journal, audit, verify })
  await audit.close()
  assert.deepEqual([again.done, again.failed, again.skipped], [1, 0, 2])
  const verdicts = records(join(dir, 'audit.jsonl')).map((r) => r.verified)
  assert.equal(verdicts.filter((v) => v === true).length, 3)
  assert.equal(verdicts.filter((v) => v === false).length, 1)
})

test('the App API failing during verification is an unproven erasure (verified false), not a crash', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { track, app } = await setup(t, ['f~1'], 1)
  app.fault({ path: /attributes$/, status: 500, times: Infinity })
  const result = await erasePerson(trackClient(track), 'f~1', {
    verify: { client: appClient(app), waitMs: 0, maxAttempts: 2 },
  })
  assert.equal(result.verified, false)
  assert.equal(result.status, 'failed')
  assert.match(result.reason, /could not be asked \(http 500\)/)
})

test('deadlines: GDPR one calendar month (three extended), clamped to the month end; CCPA 45 days (90 extended)', () => {
  const day = (iso) => deadlineOf(iso, 'gdpr').due.toISOString()
  assert.equal(day('2026-03-05T10:00:00Z'), '2026-04-05T23:59:59.999Z')
  assert.equal(day('2026-01-31T10:00:00Z'), '2026-02-28T23:59:59.999Z')
  assert.equal(day('2028-01-31T10:00:00Z'), '2028-02-29T23:59:59.999Z')
  assert.equal(day('2026-12-15T00:00:00Z'), '2027-01-15T23:59:59.999Z')
  assert.equal(deadlineOf('2026-03-05T10:00:00Z', 'GDPR', true).due.toISOString(), '2026-06-05T23:59:59.999Z')
  assert.equal(deadlineOf('2026-01-01T10:00:00Z', 'ccpa').due.toISOString(), '2026-02-15T23:59:59.999Z')
  assert.equal(deadlineOf('2026-01-01T10:00:00Z', 'ccpa', true).due.toISOString(), '2026-04-01T23:59:59.999Z')
  const unknown = deadlineOf('2026-03-05T10:00:00Z', undefined)
  assert.equal(unknown.due.toISOString(), '2026-04-05T23:59:59.999Z')
  assert.equal(unknown.assumed, true)
})

test('requestStatus: open and answered requests with deadlines, overdue first, subjects hashed; a log from before reads as erasures', async (t) => {
  const dir = await tempDir(t)
  const path = join(dir, 'audit.jsonl')
  const audit = openAuditLog(path, { key: AUDIT_KEY })
  // A record as written before requests were tracked: no kind.
  await audit.append({
    requestId: 'old-1',
    subject: 'old~person',
    receivedAt: '2026-01-02T00:00:00Z',
    completedAt: '2026-01-02T00:01:00Z',
    actions: [],
    outcome: 'done',
    jurisdiction: 'gdpr',
  })
  await recordRequest(audit, {
    requestId: 'acc-1',
    kind: 'access',
    subject: 'ann~1',
    jurisdiction: 'gdpr',
    receivedAt: '2026-01-10T09:00:00Z',
  })
  await recordRequest(audit, {
    requestId: 'era-1',
    kind: 'erasure',
    subject: 'bob~1',
    jurisdiction: 'ccpa',
    receivedAt: '2026-02-01T09:00:00Z',
  })
  await recordRequest(audit, {
    requestId: 'era-2',
    kind: 'erasure',
    subject: 'cid~1',
    jurisdiction: 'ccpa',
    receivedAt: '2026-01-01T09:00:00Z',
  })
  await recordRequest(audit, {
    requestId: 'era-2',
    kind: 'erasure',
    subject: 'cid~1',
    jurisdiction: 'ccpa',
    receivedAt: '2026-01-01T09:00:00Z',
    status: 'extended',
  })
  await recordRequest(audit, {
    requestId: 'acc-2',
    kind: 'access',
    subject: 'dan~1',
    jurisdiction: 'gdpr',
    receivedAt: '2026-02-20T09:00:00Z',
  })
  // An erasure run (its own request id) answers bob's open erasure request by subject;
  // dan's export answers acc-2 by id. An erasure of cid still found is no answer.
  await audit.append({
    requestId: 'run-x',
    subject: 'bob~1',
    kind: 'erasure',
    receivedAt: '2026-02-03T00:00:00Z',
    completedAt: '2026-02-03T00:00:05Z',
    actions: [],
    outcome: 'done',
    verified: true,
    verifiedAt: '2026-02-03T00:01:00Z',
  })
  await audit.append({
    requestId: 'run-y',
    subject: 'cid~1',
    kind: 'erasure',
    receivedAt: '2026-02-03T00:00:00Z',
    completedAt: '2026-02-03T00:00:05Z',
    actions: [],
    outcome: 'done',
    verified: false,
    verifiedAt: '2026-02-03T00:01:00Z',
    reason: 'verify: still found',
  })
  await audit.append({
    requestId: 'acc-2',
    subject: 'dan~1',
    kind: 'access',
    receivedAt: '2026-02-20T09:00:00Z',
    completedAt: '2026-02-21T00:00:00Z',
    actions: [],
    outcome: 'done',
  })
  await audit.close()
  assert.equal(verifyAuditLog(path, { key: AUDIT_KEY }).valid, true)

  const { requests, overdue } = requestStatus(path, { key: AUDIT_KEY, now: '2026-03-01T00:00:00Z' })
  const brief = requests.map((r) => [r.requestId, r.kind, r.state, r.overdue, r.deadline.slice(0, 10)])
  assert.deepEqual(
    brief,
    [
      ['acc-1', 'access', 'open', true, '2026-02-10'],
      ['era-2', 'erasure', 'open', false, '2026-04-01'],
      ['old-1', 'erasure', 'answered', false, '2026-02-02'],
      ['acc-2', 'access', 'answered', false, '2026-03-20'],
      ['era-1', 'erasure', 'answered', false, '2026-03-18'],
    ].sort((a, b) =>
      a[3] === b[3] ? (a[2] === b[2] ? a[4].localeCompare(b[4]) : a[2] === 'open' ? -1 : 1) : a[3] ? -1 : 1,
    ),
  )
  assert.equal(overdue, 1)
  const cid = requests.find((r) => r.requestId === 'era-2')
  assert.equal(cid.extended, true)
  assert.equal(cid.reason, 'verify: still found')
  const audited = openAuditLog(path, { key: AUDIT_KEY })
  assert.equal(requests.find((r) => r.requestId === 'acc-1').subject, audited.subjectHash('ann~1'))
  await audited.close()
  assert.ok(!JSON.stringify(requests).includes('~1'))

  // A tampered log gives no status.
  writeFileSync(path, readFileSync(path, 'utf8').replace('"ccpa"', '"gdpr"'))
  assert.throws(() => requestStatus(path, { key: AUDIT_KEY }), { code: 'ERR_AUDIT_LOG_INVALID' })
})
