'use strict'

// exportPerson: an access request (GDPR Art. 15, CCPA "right to know") answered from Customer.io's
// App API. For each person found: attributes, segments, every message delivery and the
// activities Customer.io still holds, paged with the `start` cursor the API returns as `next`.
// Pages are written to disk as they arrive (JSON and HTML side by side), so memory stays at about
// one page whatever the person's history. The JSON file ends with a manifest: what was asked,
// when, which calls were made and how often, the counts, and what Customer.io does not keep.

const fs = require('node:fs/promises')
const path = require('node:path')
const { randomUUID } = require('node:crypto')
const { appendProof } = require('../audit/append.js')

const { CustomerioSecurityError, typeError } = require('../errors.js')
const { RateLimiter } = require('../erasure/rate-limiter.js')
const { DEFAULT_POLICY } = require('../erasure/retry.js')
const { checkAudit, idProblem, integerOption, numberOption, optionalString } = require('../erasure/validate.js')
const { AppApi, DEFAULT_APP_API_RATE, MAX_PAGE_LIMIT } = require('./app-api.js')
const html = require('./html.js')
const { Sink } = require('./sink.js')

const EXPORT_FORMAT = 'customerio-security/person-export/1'
const ID_TYPES = ['id', 'email', 'cio_id']
/** What the package says about data Customer.io keeps for a limited time only. */
const RETENTION_NOTES = Object.freeze([
  "Activities: Customer.io keeps a person's activities for the last 30 days only; older activity cannot be exported and is not in this file.",
])

/**
 * `exportPerson(appClient, { id } | { email } | { cio_id }, { out, ... })` -> `{ requestId, found,
 * jsonPath, htmlPath, manifest }`. Throws coded TypeErrors before anything is sent; an App API
 * failure rejects with ERR_APP_API once the retries are spent, and no partial file is left.
 */
async function exportPerson(appClient, identifier, options) {
  const config = exportOptions(appClient, identifier, options)
  await fs.mkdir(config.out, { recursive: true, mode: 0o700 })
  const base = path.join(config.out, `person-export-${config.requestId}`)
  const run = new ExportRun(appClient, config)
  const json = await Sink.create(`${base}.json`)
  let page
  try {
    page = await Sink.create(`${base}.html`)
  } catch (error) {
    await json.abort()
    throw error
  }
  let manifest
  try {
    manifest = await run.write(json, page)
    await json.finish()
    await page.finish()
  } catch (error) {
    await Promise.all([json.abort(), page.abort()])
    if (config.audit !== undefined) await appendAccessRecord(config, run, 'failed', failureReason(error))
    throw error
  }
  if (config.audit !== undefined) await appendAccessRecord(config, run, 'done')
  return {
    requestId: config.requestId,
    found: manifest.counts.people > 0,
    jsonPath: json.path,
    htmlPath: page.path,
    manifest,
  }
}

function exportOptions(client, identifier, options) {
  if (client === null || typeof client !== 'object') {
    throw typeError(
      'ERR_INVALID_CLIENT',
      'the client must be a customerio-node APIClient (or have its getAttributes method)',
    )
  }
  if (
    typeof client.getAttributes !== 'function' &&
    (typeof client.apiRoot !== 'string' || typeof client.appKey !== 'string')
  ) {
    throw typeError(
      'ERR_INVALID_CLIENT',
      'the client must be a customerio-node APIClient (or have its getAttributes method)',
    )
  }
  const { idType, value } = parseIdentifier(identifier)
  if (options === null || typeof options !== 'object')
    throw typeError('ERR_INVALID_OPTION', 'options are required: at least { out }')
  if (typeof options.out !== 'string' || options.out === '')
    throw typeError('ERR_INVALID_OPTION', 'out is required: the directory to write the export to')
  checkAudit(options.audit, false)
  for (const name of ['onProgress', 'fetch']) {
    if (options[name] !== undefined && typeof options[name] !== 'function')
      throw typeError('ERR_INVALID_OPTION', `${name} must be a function`)
  }
  const requestId = optionalString('requestId', options.requestId) ?? randomUUID()
  // The request id names the files: keep it to characters that are safe in a file name.
  if (!/^[A-Za-z0-9_.-]{1,128}$/.test(requestId) || requestId.startsWith('.')) {
    throw typeError(
      'ERR_INVALID_OPTION',
      'requestId must be 1-128 characters of A-Z a-z 0-9 _ . - (it names the files)',
    )
  }
  const region = options.region ?? 'us'
  if (region !== 'us' && region !== 'eu') throw typeError('ERR_INVALID_OPTION', "region must be 'us' or 'eu'")
  const receivedAt = options.receivedAt ?? new Date()
  if (Number.isNaN(new Date(receivedAt).getTime()))
    throw typeError('ERR_INVALID_OPTION', 'receivedAt must be a Date, an ISO string or epoch milliseconds')
  const rate = options.ratePerSecond ?? DEFAULT_APP_API_RATE
  // Above 10 only makes sense against something that is not Customer.io (a test server, a cache).
  if (typeof rate !== 'number' || !(rate > 0)) {
    throw typeError(
      'ERR_INVALID_OPTION',
      'ratePerSecond must be a number > 0 (default 8: the App API allows 10 requests per second), or Infinity',
    )
  }
  return {
    idType,
    identifier: value,
    out: options.out,
    requestId,
    region,
    receivedAt: new Date(receivedAt),
    pageSize: integerOption('pageSize', options.pageSize, MAX_PAGE_LIMIT, 1, MAX_PAGE_LIMIT),
    rate,
    policy: {
      maxAttempts: integerOption('maxAttempts', options.maxAttempts, DEFAULT_POLICY.maxAttempts, 1, 100),
      baseDelayMs: numberOption('baseDelayMs', options.baseDelayMs, DEFAULT_POLICY.baseDelayMs, 0),
      maxDelayMs: numberOption('maxDelayMs', options.maxDelayMs, DEFAULT_POLICY.maxDelayMs, 0),
      maxRetryAfterMs: numberOption('maxRetryAfterMs', options.maxRetryAfterMs, DEFAULT_POLICY.maxRetryAfterMs, 0),
    },
    audit: options.audit,
    jurisdiction: optionalString('jurisdiction', options.jurisdiction),
    actor: optionalString('actor', options.actor),
    onProgress: options.onProgress,
    fetch: options.fetch,
  }
}

/** `{ id }`, `{ email }` or `{ cio_id }`: exactly one, a non-blank string of at most 150 bytes. */
function parseIdentifier(identifier) {
  const keys = identifier !== null && typeof identifier === 'object' ? Object.keys(identifier) : []
  if (keys.length !== 1 || !ID_TYPES.includes(keys[0])) {
    throw typeError('ERR_INVALID_ID', 'the identifier must be one of { id }, { email } or { cio_id }')
  }
  const value = identifier[keys[0]]
  const problem = idProblem(value)
  if (problem !== null) throw typeError('ERR_INVALID_ID', problem)
  return { idType: keys[0], value }
}

class ExportRun {
  constructor(client, config) {
    this.config = config
    this.api = new AppApi(client, {
      limiter: new RateLimiter(config.rate),
      policy: config.policy,
      ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
    })
    this.counts = { people: 0, attributes: 0, segments: 0, deliveries: 0, activities: 0 }
    this.startedAt = new Date()
  }

  /** Writes both files; resolves the manifest. */
  async write(json, page) {
    const { config } = this
    const request = {
      idType: config.idType,
      identifier: config.identifier,
      requestId: config.requestId,
      requestedAt: this.startedAt.toISOString(),
      receivedAt: config.receivedAt.toISOString(),
      region: config.region,
    }
    await json.write(`{"format":${JSON.stringify(EXPORT_FORMAT)},\n"request":${JSON.stringify(request)},\n"people":[`)
    await page.write(html.head('Customer.io data export') + html.requestSection(request))
    const targets = await this.people()
    for (const [index, target] of targets.entries()) {
      await this.person(index, target, json, page)
    }
    const manifest = this.manifest(request, targets.length)
    if (this.counts.people === 0)
      await page.write(
        '<section><h2>No person found</h2><p>Customer.io holds no person with this identifier.</p></section>\n',
      )
    await json.write(`],\n"manifest":${JSON.stringify(manifest)}}\n`)
    await page.write(html.manifestSection(manifest))
    return manifest
  }

  /** Who to export: for an email, every profile that has it; else the one identifier given. */
  async people() {
    const { idType, identifier } = this.config
    if (idType !== 'email') return [{ idType, id: identifier }]
    const answer = await this.api.get('find-by-email', { email: identifier })
    const results = Array.isArray(answer?.results) ? answer.results : []
    const targets = []
    for (const result of results) {
      // cio_id is the one identifier every profile has; an id is the fallback.
      if (typeof result?.cio_id === 'string' && result.cio_id !== '')
        targets.push({ idType: 'cio_id', id: result.cio_id })
      else if (typeof result?.id === 'string' && result.id !== '') targets.push({ idType: 'id', id: result.id })
    }
    return targets
  }

  async person(index, target, json, page) {
    const answer = await this.api.get('attributes', target)
    if (answer === null) return // not there (a 404): nothing to export for it
    const customer = answer?.customer ?? {}
    const identifiers = customer.identifiers ?? { [target.idType]: target.id }
    this.counts.people += 1
    this.counts.attributes += Object.keys(customer.attributes ?? {}).length
    const first = this.counts.people === 1
    await json.write(
      `${first ? '' : ','}\n{"identifiers":${JSON.stringify(identifiers)},\n"customer":${JSON.stringify(customer)},\n`,
    )
    await page.write(html.personStart(index, identifiers) + html.attributesSection(customer))

    const segments = (await this.api.get('segments', target))?.segments ?? []
    this.counts.segments += segments.length
    await json.write(`"segments":${JSON.stringify(segments)},\n"deliveries":[`)
    await page.write(html.segmentsSection(segments))
    this.progress('segments')

    await page.write(html.DELIVERY_HEAD)
    await this.pages('messages', 'messages', target, json, page, html.deliveryRow, 'deliveries')
    await page.write(html.TABLE_END)
    await json.write('],\n"activities":[')
    await page.write(html.ACTIVITY_HEAD)
    await this.pages('activities', 'activities', target, json, page, html.activityRow, 'activities')
    await page.write(html.TABLE_END + '</section>\n')
    await json.write(']}')
  }

  /** Every page of a paged list, each written out before the next is asked for. */
  async pages(call, member, target, json, page, row, counter) {
    let start
    let written = 0
    const seen = new Set()
    for (;;) {
      const answer = await this.api.get(call, { ...target, start, limit: this.config.pageSize })
      const items = Array.isArray(answer?.[member]) ? answer[member] : []
      if (items.length > 0) {
        const text = items.map((item) => JSON.stringify(item)).join(',\n')
        await json.write(`${written === 0 ? '\n' : ',\n'}${text}`)
        await page.write(items.map(row).join(''))
        written += items.length
        this.counts[counter] += items.length
        this.progress(counter)
      }
      const next = answer?.next
      if (typeof next !== 'string' || next === '' || items.length === 0) return
      // A cursor seen before would loop forever: the answer is broken, say so instead.
      if (seen.has(next))
        throw new CustomerioSecurityError(
          'ERR_APP_API',
          `${call}: the App API returned a cursor it had returned before`,
        )
      seen.add(next)
      start = next
    }
  }

  manifest(request, matched) {
    return {
      format: EXPORT_FORMAT,
      request,
      startedAt: this.startedAt.toISOString(),
      completedAt: new Date().toISOString(),
      matched,
      counts: { ...this.counts },
      calls: this.api.calls(),
      limits: [...RETENTION_NOTES],
      pageSize: this.config.pageSize,
    }
  }

  progress(phase) {
    this.config.onProgress?.({
      phase,
      ...this.counts,
      requests: this.api.calls().reduce((sum, c) => sum + c.requests, 0),
    })
  }
}

/** The access request's audit record: the calls made, the outcome; the subject hashed by the log. */
async function appendAccessRecord(config, run, outcome, reason) {
  const record = {
    requestId: config.requestId,
    subject: config.identifier,
    kind: 'access',
    receivedAt: config.receivedAt,
    completedAt: new Date(),
    actions: run.api
      .calls()
      .map((call) => ({ action: call.endpoint, status: lastStatus(call), attempts: call.requests })),
    outcome,
  }
  if (reason !== undefined) record.reason = reason
  if (config.jurisdiction !== undefined) record.jurisdiction = config.jurisdiction
  if (config.actor !== undefined) record.actor = config.actor
  await appendProof(config.audit, record)
}

/** 200 if any request of the call succeeded, else the most frequent failure status (null: network). */
function lastStatus(call) {
  if (call.statuses['200'] > 0) return 200
  const failures = Object.entries(call.statuses).filter(([status]) => /^\d+$/.test(status))
  failures.sort((a, b) => b[1] - a[1])
  return failures.length > 0 ? Number(failures[0][0]) : null
}

/** An error's code for the audit record: coded errors by code and status, anything else by name. */
function failureReason(error) {
  if (error?.code === 'ERR_APP_API')
    return `${error.call}: ${error.status === null ? 'network error' : `http ${error.status}`}`
  return typeof error?.code === 'string' ? error.code : (error?.name ?? 'error')
}

module.exports = { EXPORT_FORMAT, ID_TYPES, RETENTION_NOTES, exportPerson }
