// The erasure engine's pure parts, on every Node: the retry policy (which failures retry, how
// long to wait, Retry-After in both forms), group commit, id checks and the progress text.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, open, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { erasePerson } from '../../lib/erasure/index.js'
import { backoffDelay, classify, retryAfterMs } from '../../lib/erasure/retry.js'
import { GroupCommitFile } from '../../lib/durable/group-commit.js'
import { formatEraseProgress } from '../../lib/cli/erase-progress.js'

const POLICY = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 5000 }

test('Retry-After: delay-seconds and HTTP dates; anything else is ignored', () => {
  const now = Date.parse('2030-01-01T00:00:00Z')
  assert.equal(retryAfterMs('3', now), 3000)
  assert.equal(retryAfterMs(' 0 ', now), 0)
  assert.equal(retryAfterMs('Tue, 01 Jan 2030 00:00:07 GMT', now), 7000)
  assert.equal(retryAfterMs('Mon, 31 Dec 2029 23:59:00 GMT', now), 0, 'a date in the past means now')
  for (const bad of [undefined, null, '', 'soon', '-1', '1.5e3x'])
    assert.equal(retryAfterMs(bad, now), null, String(bad))
})

test('backoff: full jitter under an exponential ceiling, capped; Retry-After wins, capped too', () => {
  const none = { retryAfterMs: null }
  assert.equal(
    backoffDelay(1, none, POLICY, () => 0),
    0,
  )
  assert.equal(
    backoffDelay(1, none, POLICY, () => 0.999),
    99,
  )
  assert.equal(
    backoffDelay(3, none, POLICY, () => 0.5),
    200,
  )
  assert.equal(
    backoffDelay(10, none, POLICY, () => 0.999),
    999,
    'capped at maxDelayMs',
  )
  assert.equal(
    backoffDelay(1, { retryAfterMs: 2500 }, POLICY, () => 0),
    2500,
  )
  assert.equal(
    backoffDelay(1, { retryAfterMs: 60_000 }, POLICY, () => 0),
    5000,
  )
})

test('classify: 408, 429 and 5xx retry; other 4xx do not; network errors retry; reasons hold no message', () => {
  const http = (statusCode, headers = {}) =>
    Object.assign(new Error(`secret body ${statusCode}`), { statusCode, response: { headers } })
  assert.deepEqual(classify(http(429, { 'retry-after': '2' })), {
    status: 429,
    retryable: true,
    retryAfterMs: 2000,
    reason: 'http 429',
  })
  for (const status of [408, 500, 502, 503, 504]) assert.equal(classify(http(status)).retryable, true, String(status))
  for (const status of [400, 401, 403, 404, 409, 422])
    assert.equal(classify(http(status)).retryable, false, String(status))
  const dropped = new TypeError('fetch failed', {
    cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
  })
  assert.deepEqual(classify(dropped), {
    status: null,
    retryable: true,
    retryAfterMs: null,
    reason: 'network error (UND_ERR_SOCKET)',
  })
  assert.equal(classify(new DOMException('timed out', 'TimeoutError')).retryable, true)
  assert.deepEqual(classify(new Error('Unable to parse JSON')), {
    status: null,
    retryable: false,
    retryAfterMs: null,
    reason: 'client error (Error)',
  })
  for (const error of [http(500), dropped]) assert.doesNotMatch(classify(error).reason, /secret|closed/)
})

test('erasePerson refuses a bad id or option before calling the client', async () => {
  const calls = []
  const client = { suppress: (id) => calls.push(id), destroy: (id) => calls.push(id) }
  for (const id of ['', ' ', 'x'.repeat(151), 5]) {
    await assert.rejects(erasePerson(client, id), { code: 'ERR_INVALID_ID', name: 'CustomerioSecurityTypeError' })
  }
  await assert.rejects(erasePerson(client, 'a', { mode: 'erase' }), { code: 'ERR_INVALID_OPTION' })
  await assert.rejects(erasePerson(client, 'a', { maxAttempts: 0 }), { code: 'ERR_INVALID_OPTION' })
  await assert.rejects(erasePerson(client, 'a', { audit: {} }), { code: 'ERR_INVALID_OPTION' })
  await assert.rejects(erasePerson({}, 'a'), { code: 'ERR_INVALID_CLIENT' })
  assert.deepEqual(calls, [])
})

test('group commit: appends made while a write is in flight share the next write and fsync', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'cio-gc-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const file = join(dir, 'log')
  const handle = await open(file, 'a')
  let writes = 0
  let syncs = 0
  const counted = {
    write: (...args) => (writes++, handle.write(...args)),
    datasync: () => (syncs++, handle.datasync()),
    close: () => handle.close(),
  }
  const writer = new GroupCommitFile(counted, 'test file')
  const lines = Array.from({ length: 200 }, (_, i) => `line ${i}\n`)
  await Promise.all(lines.map((line) => writer.append(line)))
  await writer.close()
  assert.equal(await readFile(file, 'utf8'), lines.join(''))
  // The first append goes alone; the 199 queued behind it go together.
  assert.equal(syncs, 2)
  assert.equal(writes, 2)
})

test('group commit: a failed write rejects its appends and every later one', async () => {
  const failing = {
    write: async () => {
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' })
    },
    datasync: async () => {},
    close: async () => {},
  }
  const writer = new GroupCommitFile(failing, 'journal')
  const results = await Promise.allSettled([writer.append('a\n'), writer.append('b\n')])
  assert.deepEqual(
    results.map((r) => r.reason?.code),
    ['ERR_JOURNAL_WRITE', 'ERR_JOURNAL_WRITE'],
  )
  await assert.rejects(writer.append('c\n'), { code: 'ERR_JOURNAL_WRITE' })
})

test('progress text: a bar on a terminal, a plain line otherwise, duplicates counted as finished', () => {
  const report = { done: 40, failed: 2, skipped: 6, duplicates: 2, inFlight: 3, total: 100 }
  assert.equal(
    formatEraseProgress(report, 1000, true),
    'erase [############------------] 50/100: 40 done, 2 failed, 6 skipped, 3 in flight, 42/s',
  )
  assert.equal(
    formatEraseProgress(report, 1000, false),
    'erase: 50/100 (50%): 40 done, 2 failed, 6 skipped, 3 in flight, 42/s',
  )
  assert.equal(
    formatEraseProgress({ ...report, total: undefined }, 0, false),
    'erase: 50 ids: 40 done, 2 failed, 6 skipped, 3 in flight, 42000/s',
  )
})
