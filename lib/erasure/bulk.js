'use strict'

// eraseMany: a resumable bulk run. Ids are pulled from the input one at a time by a fixed pool
// of workers (so an input of any size streams through in constant memory, plus the set of
// subject hashes needed to erase duplicates once). For each id:
//   1. skip it if the journal says an earlier run finished it, or this run already took it;
//   2. journal "started" (fsync'd) before its first request;
//   3. erase it (retries, rate limit, Retry-After shared by the run);
//   4. append its audit record, then journal the outcome.
// A crash between 2 and 4 leaves the id started but unfinished: the next run erases it again
// (suppress is idempotent). The audit record is written before the journal's "done", so a done
// id always has its record; a crash between the two costs one repeated request and a second record.
//
// A failed id never stops the run: it goes to the dead letters. Only a failure to write the
// journal or the audit log, or an input that throws, stops it (after the requests in flight end),
// as going on would erase people without evidence.

const { randomUUID } = require('node:crypto')
const { typeError } = require('../errors.js')
const { DEFAULT_BATCH_SIZE, IDENTIFIER_TYPES, MAX_BATCH_BYTES, batchAction, operationBytes } = require('./batch.js')
const { Journal } = require('./journal.js')
const { ACTIONS, appendAudit, commonOptions, erase } = require('./person.js')
const { RateLimiter } = require('./rate-limiter.js')
const { checkAudit, checkClient, idProblem, integerOption } = require('./validate.js')
const { ErasureVerifier, verifyOptions, withVerification } = require('./verify.js')

const DEFAULT_RATE = 100
const DEFAULT_CONCURRENCY = 10

async function eraseMany(client, ids, options) {
  const config = bulkOptions(client, ids, options)
  const journal = await Journal.open(config.journalPath, {
    mode: config.mode,
    hash: (id) => config.audit.subjectHash(id),
  })
  const run = new BulkRun(client, ids, config, journal)
  try {
    await run.start()
  } finally {
    await journal.close()
  }
  return run.summary()
}

function bulkOptions(client, ids, options) {
  if (options === null || typeof options !== 'object')
    throw typeError('ERR_INVALID_OPTION', 'options are required: at least { journal, audit }')
  if (typeof options.journal !== 'string' || options.journal === '')
    throw typeError('ERR_INVALID_OPTION', 'journal is required: the path of the journal file')
  checkAudit(options.audit, true)
  const common = commonOptions(options)
  const useBatchApi = options.useBatchApi ?? false
  if (typeof useBatchApi !== 'boolean') throw typeError('ERR_INVALID_OPTION', 'useBatchApi must be a boolean')
  checkClient(client, common.mode, useBatchApi)
  if (
    ids === null ||
    (typeof ids?.[Symbol.iterator] !== 'function' && typeof ids?.[Symbol.asyncIterator] !== 'function') ||
    typeof ids === 'string'
  ) {
    throw typeError('ERR_INVALID_OPTION', 'ids must be an Iterable or AsyncIterable of strings')
  }
  const identifierType = options.identifierType ?? 'id'
  if (!IDENTIFIER_TYPES.includes(identifierType))
    throw typeError('ERR_INVALID_OPTION', `identifierType must be one of ${IDENTIFIER_TYPES.join(', ')}`)
  for (const name of ['onProgress', 'requestId']) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw typeError('ERR_INVALID_OPTION', `${name} must be a function`)
  }
  return {
    ...common,
    journalPath: options.journal,
    audit: options.audit,
    rate: rateOption(options.ratePerSecond),
    concurrency: integerOption('concurrency', options.concurrency, DEFAULT_CONCURRENCY, 1, 1000),
    useBatchApi,
    batchSize: integerOption('batchSize', options.batchSize, DEFAULT_BATCH_SIZE, 1, 10_000),
    identifierType,
    onProgress: options.onProgress,
    requestId: options.requestId ?? (() => randomUUID()),
    verify: verifyOptions(options.verify, identifierType),
    total: integerOption('total', options.total, sizeOf(ids), 0),
  }
}

/** Requests per second; Infinity turns the cap off. 0 is refused: it would never send anything. */
function rateOption(value) {
  if (value === undefined) return DEFAULT_RATE
  if (value === Infinity) return Infinity
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw typeError('ERR_INVALID_OPTION', 'ratePerSecond must be a number > 0, or Infinity for no cap')
  }
  return value
}

function sizeOf(ids) {
  if (Array.isArray(ids)) return ids.length
  if (ids instanceof Set || ids instanceof Map) return ids.size
  return undefined
}

const END = Symbol('end')

class BulkRun {
  constructor(client, ids, config, journal) {
    this.client = client
    this.config = config
    this.journal = journal
    this.limiter = new RateLimiter(config.rate)
    /** What erase() and batchAction() need, built once. */
    this.context = { ...config, limiter: this.limiter }
    this.source = typeof ids[Symbol.asyncIterator] === 'function' ? ids[Symbol.asyncIterator]() : ids[Symbol.iterator]()
    this.pulling = Promise.resolve()
    this.exhausted = false
    /** Subject hashes taken by this run: a duplicate in the input is erased once. */
    this.seen = new Set()
    this.counts = { done: 0, failed: 0, skipped: 0, duplicates: 0, inFlight: 0 }
    this.deadLetters = []
    this.fatal = null
    this.verifier = config.verify === undefined ? null : new ErasureVerifier(config.verify)
  }

  async start() {
    const worker = this.config.useBatchApi ? () => this.batchWorker() : () => this.worker()
    const workers = Array.from({ length: this.config.concurrency }, () =>
      worker().catch((error) => {
        if (this.fatal === null) this.fatal = error
      }),
    )
    await Promise.all(workers)
    if (this.fatal === null && this.exhausted) return
    // Stopped early: let the input clean up (close a file, a cursor).
    await Promise.resolve(this.source.return?.()).catch(() => {})
    if (this.fatal !== null) throw this.fatal
  }

  summary() {
    const { done, failed, skipped, duplicates } = this.counts
    return { done, failed, skipped, duplicates, deadLetters: this.deadLetters }
  }

  async worker() {
    for (let item = await this.take(); item !== null; item = await this.take()) {
      this.counts.inFlight += 1
      await this.journal.started(item.hash)
      const result = await erase(this.client, item.id, this.context)
      await this.finish(item, await this.verified(item.id, result))
    }
  }

  async batchWorker() {
    for (let items = await this.takeBatch(); items.length > 0; items = await this.takeBatch()) {
      this.counts.inFlight += items.length
      await this.journal.startedMany(items.map((item) => item.hash))
      const results = await this.eraseBatch(items.map((item) => item.id))
      await Promise.all(
        items.map(async (item) => this.finish(item, await this.verified(item.id, results.get(item.id)))),
      )
    }
  }

  /** The mode's actions through the batch API: ids whose first action failed get no second. */
  async eraseBatch(ids) {
    const results = new Map(ids.map((id) => [id, { id, status: 'done', actions: [] }]))
    let remaining = ids
    for (const action of ACTIONS[this.config.mode]) {
      const outcomes = await batchAction(this.client, action, remaining, this.context)
      const next = []
      for (const id of remaining) {
        const outcome = outcomes.get(id)
        const result = results.get(id)
        result.actions.push(outcome.record)
        if (outcome.ok) next.push(id)
        else
          Object.assign(result, {
            status: 'failed',
            reason: `${action}: ${outcome.reason}`,
            lastStatus: outcome.record.status,
          })
      }
      remaining = next
    }
    return results
  }

  /** With `verify`: a done erasure checked through the App API (a person still found fails). */
  async verified(id, result) {
    if (this.verifier === null || result.status !== 'done') return result
    return withVerification(result, await this.verifier.check(id))
  }

  /** Evidence first (audit record), then the journal's outcome; then the counts. */
  async finish(item, result) {
    await appendAudit(this.config.audit, result, {
      ...this.config.meta,
      requestId: item.requestId,
      receivedAt: item.receivedAt,
    })
    if (result.status === 'done') {
      await this.journal.done(item.hash)
      this.counts.done += 1
    } else {
      await this.journal.failed(item.hash, result.lastStatus ?? null, result.reason)
      this.counts.failed += 1
      this.deadLetters.push({ id: item.id, reason: result.reason, status: result.lastStatus ?? null })
    }
    this.counts.inFlight -= 1
    this.progress()
  }

  /** The next id to erase, or null at the end of the input (or once the run must stop). */
  async take() {
    while (this.fatal === null) {
      const value = await this.pull()
      if (value === END) return null
      const problem = idProblem(value)
      if (problem !== null) {
        // Nothing can be sent for it, so nothing is journaled or audited: a dead letter only.
        this.counts.failed += 1
        this.deadLetters.push({ id: value, reason: `invalid id: ${problem}`, status: null })
        this.progress()
        continue
      }
      const hash = this.config.audit.subjectHash(value)
      if (this.seen.has(hash)) {
        this.counts.duplicates += 1
        this.progress()
        continue
      }
      this.seen.add(hash)
      if (this.journal.isDone(hash)) {
        this.counts.skipped += 1
        this.progress()
        continue
      }
      return { id: value, hash, requestId: this.config.requestId(value), receivedAt: new Date() }
    }
    return null
  }

  /** Up to batchSize ids whose operations fit in one batch request. */
  async takeBatch() {
    const items = []
    let bytes = 0
    while (items.length < this.config.batchSize) {
      const item = await this.take()
      if (item === null) break
      items.push(item)
      bytes += operationBytes(item.id, this.config.identifierType)
      // Ids are at most 150 bytes, so one more operation is always under 1 KB.
      if (bytes > MAX_BATCH_BYTES - 1024) break
    }
    return items
  }

  /** One value from the input; pulls are chained so concurrent workers never call next() at once. */
  pull() {
    const next = this.pulling.then(async () => {
      if (this.exhausted) return END
      let step
      try {
        step = await this.source.next()
      } catch (error) {
        this.exhausted = true
        if (this.fatal === null) this.fatal = error
        return END
      }
      if (step.done) {
        this.exhausted = true
        return END
      }
      return step.value
    })
    this.pulling = next.catch(() => {})
    return next
  }

  progress() {
    if (this.config.onProgress === undefined) return
    const { done, failed, skipped, duplicates, inFlight } = this.counts
    const report = { done, failed, skipped, duplicates, inFlight }
    if (this.config.total !== undefined) report.total = this.config.total
    this.config.onProgress(report)
  }
}

module.exports = { DEFAULT_CONCURRENCY, DEFAULT_RATE, eraseMany }
