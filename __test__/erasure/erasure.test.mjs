// erasePerson and eraseMany with the real customerio-node 5 client against the fake Track API,
// which injects 429 with Retry-After, 500s, slow answers and dropped connections. Every claim
// about what was erased is checked against the fake's own record of the requests it received,
// and the audit log is verified (and searched for raw ids) with the real verifier.

import { describe, test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { openAuditLog, verifyAuditLog } from '../../index.js'
import { eraseMany, erasePerson } from '../../lib/erasure/index.js'
import { tempDir } from '../helpers/cli.mjs'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
import {
  AUDIT_KEY,
  SKIP_NODE20,
  completeLines,
  leakedIds,
  makeIds,
  paths,
  requestsFor,
  successfulSuppressions,
  trackClient,
} from '../helpers/erasure.mjs'

// Fast retries: the faults are count-limited, so what matters is how many attempts, not how long.
const FAST = { baseDelayMs: 1, maxDelayMs: 10 }

describe('erasure with customerio-node 5 against the fake Track API', { skip: SKIP_NODE20 }, () => {
  let api
  before(async () => {
    api = await startFakeTrackApi()
  })
  after(() => api.close())
  beforeEach(() => api.reset())

  async function auditIn(t, dir) {
    const audit = openAuditLog(paths(dir).audit, { key: AUDIT_KEY })
    // Closed at the end unless the test closed it (AuditLog#close is not idempotent: EBADF).
    const close = audit.close.bind(audit)
    let closing = null
    audit.close = () => (closing ??= close())
    t.after(() => audit.close())
    return audit
  }

  describe('erasePerson', () => {
    test('suppress (the default) sends one suppress and reports it', async () => {
      const [id] = makeIds(1)
      const result = await erasePerson(trackClient(api), id)
      assert.deepEqual(result, { id, status: 'done', actions: [{ action: 'suppress', status: 200, attempts: 1 }] })
      assert.equal(api.requests.length, 1)
      assert.equal(successfulSuppressions(api, id), 1)
      assert.ok(api.suppressed.has(id))
    })

    test('destroy sends one DELETE and no suppress', async () => {
      const [id] = makeIds(1)
      api.people.set(id, { attributes: {} })
      const result = await erasePerson(trackClient(api), id, { mode: 'destroy' })
      assert.equal(result.status, 'done')
      assert.deepEqual(result.actions, [{ action: 'destroy', status: 200, attempts: 1 }])
      assert.deepEqual(
        api.requests.map((r) => [r.method, r.status]),
        [['DELETE', 200]],
      )
      assert.equal(api.people.has(id), false)
      assert.equal(api.suppressed.has(id), false)
    })

    test('suppress-and-destroy suppresses, then destroys', async () => {
      const [id] = makeIds(1)
      const result = await erasePerson(trackClient(api), id, { mode: 'suppress-and-destroy' })
      assert.equal(result.status, 'done')
      assert.deepEqual(
        result.actions.map((a) => a.action),
        ['suppress', 'destroy'],
      )
      assert.deepEqual(
        api.requests.map((r) => [r.method, r.path.endsWith('/suppress') ? 'suppress' : 'customer', r.status]),
        [
          ['POST', 'suppress', 200],
          ['DELETE', 'customer', 200],
        ],
      )
    })

    test('suppress-and-destroy does not destroy when the suppress failed', async () => {
      const [id] = makeIds(1)
      api.fault({ path: '/api/v1/customers/{id}/suppress', status: 403 })
      const result = await erasePerson(trackClient(api), id, { mode: 'suppress-and-destroy' })
      assert.equal(result.status, 'failed')
      assert.equal(result.reason, 'suppress: http 403')
      assert.deepEqual(result.actions, [{ action: 'suppress', status: 403, attempts: 1, error: 'http 403' }])
      assert.equal(requestsFor(api, 'DELETE', id).length, 0)
    })

    test('429 (Retry-After seconds and HTTP date), 500 and a dropped connection are retried until done', async () => {
      const [id] = makeIds(1)
      const route = '/api/v1/customers/{id}/suppress'
      api.fault({ path: route, status: 429, retryAfter: 0 })
      api.fault({ path: route, status: 429, retryAfter: new Date(Date.now() - 1000).toUTCString() })
      api.fault({ path: route, status: 503 })
      api.fault({ path: route, drop: true })
      const result = await erasePerson(trackClient(api), id, { ...FAST })
      assert.equal(result.status, 'done')
      assert.deepEqual(result.actions, [{ action: 'suppress', status: 200, attempts: 5 }])
      // The fake saw the five attempts, the last one succeeding.
      assert.deepEqual(
        requestsFor(api, 'POST', id, '/suppress').map((r) => r.status),
        [429, 429, 503, null, 200],
      )
    })

    test('a slow answer is waited for, not retried', async () => {
      const [id] = makeIds(1)
      api.fault({ path: '/api/v1/customers/{id}/suppress', delayMs: 150 })
      const result = await erasePerson(trackClient(api), id)
      assert.equal(result.status, 'done')
      assert.equal(requestsFor(api, 'POST', id, '/suppress').length, 1)
    })

    test('retryable failures stop after maxAttempts, and the result says so', async () => {
      const [id] = makeIds(1)
      api.fault({ path: '/api/v1/customers/{id}/suppress', status: 500, times: Infinity })
      const result = await erasePerson(trackClient(api), id, { ...FAST, maxAttempts: 3 })
      assert.equal(result.status, 'failed')
      assert.equal(result.reason, 'suppress: http 500 after 3 attempts')
      assert.deepEqual(result.actions, [
        { action: 'suppress', status: 500, attempts: 3, error: 'http 500 after 3 attempts' },
      ])
      assert.equal(requestsFor(api, 'POST', id, '/suppress').length, 3)
    })

    test('a permanent 4xx fails at once', async () => {
      for (const status of [400, 401, 404, 422]) {
        api.reset()
        const [id] = makeIds(1, `s${status}`)
        api.fault({ path: '/api/v1/customers/{id}/suppress', status })
        const result = await erasePerson(trackClient(api), id, { ...FAST })
        assert.equal(result.status, 'failed')
        assert.equal(result.actions[0].status, status)
        assert.equal(result.actions[0].attempts, 1)
        assert.equal(api.requests.length, 1, `${status} was not retried`)
      }
    })

    test('invalid ids are refused with ERR_INVALID_ID before anything is sent', async () => {
      const client = trackClient(api)
      for (const id of ['', '   ', '\t\n', 'x'.repeat(151), 'é'.repeat(76), undefined, null, 42, { id: 'a' }]) {
        await assert.rejects(
          erasePerson(client, id),
          (error) => error instanceof TypeError && error.code === 'ERR_INVALID_ID',
        )
      }
      // 150 bytes exactly is allowed.
      assert.equal((await erasePerson(client, 'x'.repeat(150))).status, 'done')
      assert.equal(api.requests.length, 1)
    })

    test('with audit, the outcome is appended: the log verifies and holds only the hashed id', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const [ok, bad] = makeIds(2)
      api.fault({ path: `/api/v1/customers/${encodeURIComponent(bad)}/suppress`, status: 400 })
      await erasePerson(trackClient(api), ok, {
        audit,
        jurisdiction: 'gdpr',
        actor: 'dpo',
        policyVersion: 'v3',
        requestId: 'req-1',
      })
      await erasePerson(trackClient(api), bad, { audit })
      await audit.close()
      const verdict = verifyAuditLog(paths(dir).audit, { key: AUDIT_KEY })
      assert.equal(verdict.valid, true)
      assert.equal(verdict.records, 2)
      const [first, second] = completeLines(paths(dir).audit)
      assert.equal(first.subject, audit.subjectHash(ok))
      assert.equal(first.outcome, 'done')
      assert.equal(first.request_id, 'req-1')
      assert.equal(first.jurisdiction, 'gdpr')
      assert.deepEqual(first.actions, [{ action: 'suppress', status: 200, attempts: 1 }])
      assert.equal(second.outcome, 'failed')
      assert.equal(second.reason, 'suppress: http 400')
      assert.deepEqual(leakedIds(paths(dir).audit, [ok, bad]), [])
    })
  })

  describe('eraseMany', () => {
    test('under 429s, 500s, slow answers and dropped connections, every id ends done or dead-lettered', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const ids = makeIds(150)
      const permanent = [ids[17], ids[101]]
      for (const id of permanent)
        api.fault({ path: `/api/v1/customers/${encodeURIComponent(id)}/suppress`, status: 422, times: Infinity })
      const route = '/api/v1/customers/{id}/suppress'
      api.fault({ path: route, status: 429, retryAfter: 0, times: 6 })
      api.fault({ path: route, status: 500, times: 8 })
      api.fault({ path: route, status: 502, times: 4 })
      api.fault({ path: route, drop: true, times: 6 })
      api.fault({ path: route, delayMs: 100, times: 6 })
      // Duplicates anywhere in the input are erased once.
      const input = [...ids, ids[3], ids[3], ids[149], ids[0]]
      const reports = []
      const summary = await eraseMany(trackClient(api), input, {
        journal: paths(dir).journal,
        audit,
        ratePerSecond: Infinity,
        concurrency: 12,
        // More attempts than there are transient faults: no id can run out by bad luck.
        maxAttempts: 40,
        ...FAST,
        onProgress: (report) => reports.push(report),
      })
      assert.equal(summary.done, 148)
      assert.equal(summary.failed, 2)
      assert.equal(summary.skipped, 0)
      assert.equal(summary.duplicates, 4)
      assert.deepEqual(summary.deadLetters.map((d) => d.id).sort(), [...permanent].sort())
      for (const letter of summary.deadLetters) {
        assert.equal(letter.status, 422)
        assert.equal(letter.reason, 'suppress: http 422')
      }
      // The fake's own record: each done id was suppressed exactly once with success, each
      // dead-lettered one never, and the permanent failures were not retried.
      for (const id of ids) {
        const expected = permanent.includes(id) ? 0 : 1
        assert.equal(successfulSuppressions(api, id), expected)
        assert.equal(api.suppressed.has(id), expected === 1)
      }
      for (const id of permanent) assert.equal(requestsFor(api, 'POST', id, '/suppress').length, 1)
      // Every fault was met and survived.
      assert.ok(api.requests.some((r) => r.status === null))
      assert.ok(api.requests.some((r) => r.status === 429))
      const last = reports.at(-1)
      assert.deepEqual(last, { done: 148, failed: 2, skipped: 0, duplicates: 4, inFlight: 0, total: input.length })

      await audit.close()
      const verdict = verifyAuditLog(paths(dir).audit, { key: AUDIT_KEY })
      assert.equal(verdict.valid, true)
      assert.equal(verdict.records, 150)
      assert.deepEqual(leakedIds(paths(dir).audit, ids), [])
      assert.deepEqual(leakedIds(paths(dir).journal, ids), [])
      const outcomes = new Map(completeLines(paths(dir).audit).map((r) => [r.subject, r.outcome]))
      for (const id of ids)
        assert.equal(outcomes.get(audit.subjectHash(id)), permanent.includes(id) ? 'failed' : 'done')
    })

    test('modes: destroy and suppress-and-destroy send their calls for every id', async (t) => {
      for (const mode of ['destroy', 'suppress-and-destroy']) {
        api.reset()
        const dir = await tempDir(t)
        const audit = await auditIn(t, dir)
        const ids = makeIds(20, mode)
        const summary = await eraseMany(trackClient(api), ids, {
          journal: paths(dir).journal,
          audit,
          mode,
          ratePerSecond: Infinity,
        })
        assert.equal(summary.done, 20)
        for (const id of ids) {
          assert.deepEqual(
            requestsFor(api, 'DELETE', id).map((r) => r.status),
            [200],
          )
          assert.equal(successfulSuppressions(api, id), mode === 'destroy' ? 0 : 1)
        }
      }
    })

    test('an AsyncIterable is streamed: never more ids pulled than the workers can hold', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const ids = makeIds(300)
      const concurrency = 4
      let pulled = 0
      let finished = 0
      let mostAhead = 0
      async function* source() {
        for (const id of ids) {
          await null
          pulled += 1
          mostAhead = Math.max(mostAhead, pulled - finished)
          yield id
        }
      }
      const summary = await eraseMany(trackClient(api), source(), {
        journal: paths(dir).journal,
        audit,
        ratePerSecond: Infinity,
        concurrency,
        onProgress: (p) => (finished = p.done + p.failed + p.skipped + p.duplicates),
      })
      assert.equal(summary.done, 300)
      // Each worker holds one id; the next pull happens only after its id finished.
      assert.ok(mostAhead <= concurrency, `pulled ${mostAhead} ids ahead of the finished ones`)
      for (const id of ids) assert.equal(successfulSuppressions(api, id), 1)
    })

    test('a rerun on the same journal skips done ids, retries unfinished ones and ignores a torn line', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const { journal } = paths(dir)
      const ids = makeIds(30)
      const first = await eraseMany(trackClient(api), ids.slice(0, 20), { journal, audit, ratePerSecond: Infinity })
      assert.equal(first.done, 20)
      // As a crash would leave it: one id started but never finished, then a torn line.
      appendFileSync(journal, `{"s":"${audit.subjectHash(ids[25])}"}\n{"d":"${audit.subjectHash(ids[26]).slice(0, 20)}`)
      api.reset()
      const second = await eraseMany(trackClient(api), ids, { journal, audit, ratePerSecond: Infinity })
      assert.deepEqual(
        { ...second, deadLetters: second.deadLetters.length },
        { done: 10, failed: 0, skipped: 20, duplicates: 0, deadLetters: 0 },
      )
      for (const id of ids.slice(0, 20)) assert.equal(api.requests.filter((r) => r.params.id === id).length, 0)
      for (const id of ids.slice(20)) assert.equal(successfulSuppressions(api, id), 1)
      // The torn fragment was cut off: every line of the journal parses.
      assert.doesNotThrow(() =>
        readFileSync(journal, 'utf8')
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line)),
      )
    })

    test('ids that failed in an earlier run are tried again', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const { journal } = paths(dir)
      const ids = makeIds(5)
      api.fault({ path: `/api/v1/customers/${encodeURIComponent(ids[2])}/suppress`, status: 401 })
      const first = await eraseMany(trackClient(api), ids, { journal, audit, ratePerSecond: Infinity })
      assert.equal(first.failed, 1)
      const second = await eraseMany(trackClient(api), ids, { journal, audit, ratePerSecond: Infinity })
      assert.deepEqual([second.done, second.skipped, second.failed], [1, 4, 0])
      assert.equal(successfulSuppressions(api, ids[2]), 1)
    })

    test('an unreadable, damaged or foreign journal is a coded error before anything is sent', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const ids = makeIds(3)
      const cases = []
      const asDir = join(dir, 'a-directory')
      mkdirSync(asDir)
      cases.push([asDir, 'ERR_JOURNAL_UNREADABLE'])
      cases.push([join(dir, 'missing-dir', 'journal.jsonl'), 'ERR_JOURNAL_UNWRITABLE'])
      const damaged = join(dir, 'damaged.jsonl')
      await eraseMany(trackClient(api), ids.slice(0, 1), { journal: damaged, audit, ratePerSecond: Infinity })
      appendFileSync(damaged, 'not json\n{"d":"x"}\n')
      cases.push([damaged, 'ERR_JOURNAL_CORRUPT'])
      const notJournal = join(dir, 'ids.txt')
      appendFileSync(notJournal, `${ids.join('\n')}\n`)
      cases.push([notJournal, 'ERR_JOURNAL_CORRUPT'])
      const otherKey = join(dir, 'other-key.jsonl')
      const otherAudit = openAuditLog(join(dir, 'other-audit.jsonl'), { key: 'another-audit-key' })
      await eraseMany(trackClient(api), ids.slice(0, 1), {
        journal: otherKey,
        audit: otherAudit,
        ratePerSecond: Infinity,
      })
      await otherAudit.close()
      cases.push([otherKey, 'ERR_JOURNAL_MISMATCH'])
      api.reset()
      for (const [journal, code] of cases) {
        await assert.rejects(
          eraseMany(trackClient(api), ids, { journal, audit }),
          (error) => error.code === code,
          journal,
        )
      }
      await assert.rejects(eraseMany(trackClient(api), ids, { journal: damaged, audit, mode: 'destroy' }), {
        code: 'ERR_JOURNAL_CORRUPT',
      })
      assert.equal(api.requests.length, 0)
      // The file that was not a journal is untouched.
      assert.equal(readFileSync(notJournal, 'utf8'), `${ids.join('\n')}\n`)
    })

    test('a journal of another mode is refused', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const { journal } = paths(dir)
      await eraseMany(trackClient(api), makeIds(1), { journal, audit })
      api.reset()
      await assert.rejects(eraseMany(trackClient(api), makeIds(2), { journal, audit, mode: 'destroy' }), {
        code: 'ERR_JOURNAL_MISMATCH',
      })
      assert.equal(api.requests.length, 0)
    })

    test('invalid ids in the input are dead-lettered without a request; the rest go on', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const ids = makeIds(3)
      const summary = await eraseMany(trackClient(api), [ids[0], '', 'y'.repeat(151), ids[1], 7, ids[2]], {
        journal: paths(dir).journal,
        audit,
      })
      assert.equal(summary.done, 3)
      assert.equal(summary.failed, 3)
      assert.deepEqual(
        summary.deadLetters.map((d) => d.status),
        [null, null, null],
      )
      assert.equal(api.requests.length, 3)
    })

    test('options are checked before the journal is touched', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const client = trackClient(api)
      const journal = paths(dir).journal
      const bad = [
        [client, makeIds(1), undefined],
        [client, makeIds(1), { audit }],
        [client, makeIds(1), { journal }],
        [client, makeIds(1), { journal, audit: {} }],
        [client, makeIds(1), { journal, audit, ratePerSecond: 0 }],
        [client, makeIds(1), { journal, audit, ratePerSecond: -1 }],
        [client, makeIds(1), { journal, audit, concurrency: 0 }],
        [client, makeIds(1), { journal, audit, maxAttempts: 0 }],
        [client, makeIds(1), { journal, audit, mode: 'delete' }],
        [client, 'abc', { journal, audit }],
        [client, 42, { journal, audit }],
        [{}, makeIds(1), { journal, audit }],
        [{ suppress() {} }, makeIds(1), { journal, audit, useBatchApi: true }],
      ]
      for (const [c, ids, options] of bad) {
        await assert.rejects(
          eraseMany(c, ids, options),
          (error) => error instanceof TypeError && /^ERR_INVALID_/.test(error.code),
        )
      }
      assert.throws(() => readFileSync(journal), { code: 'ENOENT' })
      assert.equal(api.requests.length, 0)
    })

    test('batch API: suppress in batches, a 207 mapped back to ids, permanent items dead-lettered, transient ones retried', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const ids = makeIds(230)
      const permanent = new Set([ids[5], ids[77], ids[229]])
      const transient = new Set([ids[0], ids[150]])
      const refused = new WeakSet()
      const refusedOnce = new Set()
      api.failBatchItems((operation) => {
        const id = operation.identifiers.id
        if (permanent.has(id)) {
          refused.add(operation)
          // A message quoting the id, as a real API might: it must not reach the audit log.
          return { reason: 'invalid', field: 'identifiers', message: `no such person ${id}` }
        }
        if (transient.has(id) && !refusedOnce.has(id)) {
          refusedOnce.add(id)
          refused.add(operation)
          return { reason: 'rate_limited', field: '', message: 'slow down' }
        }
        return null
      })
      // A whole batch lost once, and one answered 500: retried whole.
      api.fault({ path: '/api/v2/batch', drop: true })
      api.fault({ path: '/api/v2/batch', status: 500 })
      const summary = await eraseMany(trackClient(api), ids, {
        journal: paths(dir).journal,
        audit,
        useBatchApi: true,
        batchSize: 50,
        concurrency: 3,
        ratePerSecond: Infinity,
        ...FAST,
      })
      assert.equal(summary.done, 227)
      assert.deepEqual(new Set(summary.deadLetters.map((d) => d.id)), permanent)
      for (const letter of summary.deadLetters) {
        assert.equal(letter.status, 207)
        assert.equal(letter.reason, 'suppress: batch item invalid (field identifiers)')
      }
      // Only batch requests, each within the limits, none over 50 items.
      assert.ok(api.requests.every((r) => r.path === '/api/v2/batch'))
      assert.ok(api.requests.every((r) => r.json.batch.length <= 50))
      assert.ok(api.requests.some((r) => r.status === 207))
      for (const id of ids) {
        assert.equal(successfulSuppressions(api, id, refused) >= 1, !permanent.has(id), id)
        assert.equal(api.suppressed.has(id), !permanent.has(id))
      }
      await audit.close()
      assert.equal(verifyAuditLog(paths(dir).audit, { key: AUDIT_KEY }).valid, true)
      assert.deepEqual(leakedIds(paths(dir).audit, ids), [])
      const records = completeLines(paths(dir).audit)
      assert.equal(records.length, 230)
      assert.ok(records.every((r) => r.actions[0].action === 'batch-suppress'))
    })

    test('batch API with suppress-and-destroy: a suppress batch, then a delete batch for the suppressed', async (t) => {
      const dir = await tempDir(t)
      const audit = await auditIn(t, dir)
      const ids = makeIds(10)
      api.failBatchItems((operation) =>
        operation.identifiers.id === ids[4] && operation.action === 'suppress' ? { reason: 'invalid' } : null,
      )
      const summary = await eraseMany(trackClient(api), ids, {
        journal: paths(dir).journal,
        audit,
        useBatchApi: true,
        mode: 'suppress-and-destroy',
        concurrency: 1,
      })
      assert.equal(summary.done, 9)
      assert.deepEqual(
        summary.deadLetters.map((d) => d.id),
        [ids[4]],
      )
      const actions = api.requests.map((r) => [...new Set(r.json.batch.map((op) => op.action))].join())
      assert.deepEqual(actions, ['suppress', 'delete'])
      assert.equal(api.requests[1].json.batch.length, 9)
    })
  })
})
