// The erase CLI killed with SIGKILL at seeded random points and started again on the same
// journal and audit log, until it exits 0. Then, from the fake Track API's own record: every id
// was suppressed successfully, no id the journal had recorded as done (on complete lines: a torn
// tail is not a record) was sent again by a later run, and the audit log verifies and holds an
// outcome for every id but no raw id.
//
// Ids started but not finished when the process died may be sent twice (by design: suppress is
// idempotent, and resending is the only way not to lose them); ids done are never resent.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { openAuditLog, verifyAuditLog } from '../../index.js'
import { BIN, collect, tempDir } from '../helpers/cli.mjs'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
import {
  AUDIT_KEY,
  SKIP_NODE20,
  completeLines,
  journalDone,
  leakedIds,
  makeIds,
  paths,
  successfulSuppressions,
} from '../helpers/erasure.mjs'

const IDS = 200
const KILLS = 5
const MAX_RUNS = 12
// CRASH_SEED=n replays another sequence of kill points.
const SEED = Number(process.env.CRASH_SEED ?? 0x5eed_e2a5)

/** mulberry32: a small seeded PRNG, so a failure can be replayed. */
function random(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

let api
before(async () => {
  api = await startFakeTrackApi()
})
after(() => api.close())

/** The ids a request carried: one in a v1 path, several in a batch body. */
function idsOf(request) {
  if (request.params.id !== undefined) return [request.params.id]
  return Array.isArray(request.json?.batch) ? request.json.batch.map((op) => op.identifiers?.id) : []
}

const MODES = [
  // How far into a run (in requests) a kill may land: a batch run makes far fewer requests.
  { name: 'one request per id', extra: [], spread: 60 },
  { name: 'the batch API', extra: ['--batch', '--batch-size', '10'], spread: 8 },
]

for (const { name, extra, spread } of MODES) {
  test(`erase (${name}) survives SIGKILL at random points: every id erased, none done resent, the audit log verifies`, {
    skip: SKIP_NODE20,
    timeout: 120_000,
  }, async (t) => {
    api.reset()
    const dir = await tempDir(t)
    const files = paths(dir)
    const ids = makeIds(IDS, 'crash')
    writeFileSync(files.ids, `${ids.join('\n')}\n`)
    // A scratch log under the same key, only for its subjectHash (journal lines name hashes).
    const hasher = openAuditLog(join(dir, 'hasher.jsonl'), { key: AUDIT_KEY })
    t.after(() => hasher.close())
    const idOf = new Map(ids.map((id) => [hasher.subjectHash(id), id]))
    const env = {
      CUSTOMERIO_SITE_ID: api.siteId,
      CUSTOMERIO_TRACK_API_KEY: api.apiKey,
      CUSTOMERIO_AUDIT_KEY: AUDIT_KEY,
      CUSTOMERIO_TRACK_URL: api.trackUrl,
    }
    const args = [
      BIN,
      'erase',
      '--ids',
      files.ids,
      '--journal',
      files.journal,
      '--audit',
      files.audit,
      '--rate',
      'off',
      '--concurrency',
      '8',
      '--max-attempts',
      '50',
      ...extra,
    ]
    // Some transient faults along the way, so kills also land in retries.
    const route = extra.length === 0 ? '/api/v1/customers/{id}/suppress' : '/api/v2/batch'
    api.fault({ path: route, status: 429, retryAfter: 0, times: 3 })
    api.fault({ path: route, status: 500, times: 3 })
    api.fault({ path: route, drop: true, times: 2 })

    const next = random(SEED)
    /** Per run: the request index it started at, and the ids the journal had done before it. */
    const runs = []
    let exitCode = null
    for (let run = 0; run < MAX_RUNS && exitCode !== 0; run++) {
      const doneBefore = existsSync(files.journal)
        ? new Set([...journalDone(files.journal)].map((hash) => idOf.get(hash)))
        : new Set()
      const firstRequest = api.requests.length
      runs.push({ firstRequest, doneBefore })
      const child = spawn(process.execPath, args, {
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      const exited = collect(child)
      if (run < KILLS) {
        // Kill once the fake has seen this many requests of this run: somewhere mid-run, at a
        // point the seed picks (the kill is sent from inside the fake's request handler, so it
        // lands while requests are in flight and journal writes are pending).
        const killAt = firstRequest + 1 + Math.floor(next() * spread)
        const handle = api.handle
        api.handle = function (req, res) {
          if (this.requests.length + 1 >= killAt && child.exitCode === null) child.kill('SIGKILL')
          return handle.call(this, req, res)
        }
        const result = await exited
        api.handle = handle
        exitCode = result.code
        if (result.signal !== 'SIGKILL') assert.equal(result.code, 0, result.stderr)
      } else {
        const result = await exited
        exitCode = result.code
        assert.equal(result.code, 0, result.stderr)
      }
    }
    assert.equal(exitCode, 0, `did not finish within ${MAX_RUNS} runs`)
    assert.ok(runs.length > KILLS, 'every planned kill happened before the run that finished')

    // Every id erased, as the fake saw it.
    for (const id of ids) {
      assert.ok(successfulSuppressions(api, id) >= 1, 'an id was never suppressed')
      assert.ok(api.suppressed.has(id))
    }
    // No id done (per the journal at the start of a run) was sent by that run or a later one.
    for (const { firstRequest, doneBefore } of runs) {
      const resent = api.requests.slice(firstRequest).filter((r) => idsOf(r).some((id) => doneBefore.has(id)))
      assert.deepEqual(
        resent.map((r) => r.path),
        [],
      )
    }
    // The journal ends with every id done; the audit log verifies with a done record for each.
    assert.equal(journalDone(files.journal).size, IDS)
    const verdict = verifyAuditLog(files.audit, { key: AUDIT_KEY })
    assert.equal(verdict.valid, true, verdict.reason)
    const doneSubjects = new Set(
      completeLines(files.audit)
        .filter((r) => r.outcome === 'done')
        .map((r) => r.subject),
    )
    for (const id of ids) assert.ok(doneSubjects.has(hasher.subjectHash(id)), 'an id has no done audit record')
    assert.deepEqual(leakedIds(files.audit, ids), [])
    assert.deepEqual(leakedIds(files.journal, ids), [])
  })
}
