'use strict'

// Data subject requests in the audit log: when each was received, of which kind, under which
// law, and whether it was answered in time. `recordRequest` appends the receipt (or an extension
// of the deadline); erasures and exports append their own records. `requestStatus` verifies the
// log's chain, then reads it back as one row per request with its legal deadline.

const fs = require('node:fs')
const { randomUUID } = require('node:crypto')

const { CustomerioSecurityError, typeError } = require('../errors.js')
const { REQUEST_KINDS, verifyAuditLog } = require('../audit/index.js')
const { checkAudit, optionalString } = require('../erasure/validate.js')
const { deadlineOf } = require('./deadlines.js')

/**
 * Appends a request's receipt (`status: 'received'`, the default) or the extension of its
 * deadline (`status: 'extended'`, once the person has been told). Resolves the request id.
 */
async function recordRequest(audit, request) {
  checkAudit(audit, true)
  if (request === null || typeof request !== 'object')
    throw typeError('ERR_INVALID_OPTION', 'the request must be an object')
  const { kind, subject } = request
  if (!REQUEST_KINDS.includes(kind))
    throw typeError('ERR_INVALID_OPTION', `kind must be one of ${REQUEST_KINDS.join(', ')}`)
  if (typeof subject !== 'string' || subject.trim() === '')
    throw typeError('ERR_INVALID_ID', 'subject must be the identifier (it is written hashed)')
  const status = request.status ?? 'received'
  if (status !== 'received' && status !== 'extended')
    throw typeError('ERR_INVALID_OPTION', "status must be 'received' or 'extended'")
  const receivedAt = request.receivedAt ?? new Date()
  if (Number.isNaN(new Date(receivedAt).getTime()))
    throw typeError('ERR_INVALID_OPTION', 'receivedAt must be a Date, an ISO string or epoch milliseconds')
  const requestId = optionalString('requestId', request.requestId) ?? randomUUID()
  const record = { requestId, subject, kind, receivedAt, completedAt: new Date(), actions: [], outcome: status }
  for (const key of ['jurisdiction', 'actor']) {
    const value = optionalString(key, request[key])
    if (value !== undefined) record[key] = value
  }
  await audit.append(record)
  return requestId
}

/**
 * `requestStatus(path, { key, now?, expectedHead? })` -> `{ requests, overdue }`. Rejects with
 * ERR_AUDIT_LOG_INVALID when the log does not verify: a status read from a tampered log would
 * be worth nothing.
 */
function requestStatus(path, options) {
  const check = verifyAuditLog(path, options)
  if (!check.valid) {
    throw new CustomerioSecurityError(
      'ERR_AUDIT_LOG_INVALID',
      `the audit log does not verify (${check.reason} at line ${check.firstBadRecord})`,
    )
  }
  const now = options.now === undefined ? new Date() : new Date(options.now)
  if (Number.isNaN(now.getTime()))
    throw typeError('ERR_INVALID_OPTION', 'now must be a Date, an ISO string or epoch milliseconds')
  const requests = new Requests()
  for (const record of readRecords(path, check.records)) requests.add(record)
  const rows = requests.rows(now)
  return { requests: rows, overdue: rows.filter((row) => row.overdue).length }
}

/** The first `count` lines of the log, parsed (the verifier has checked exactly those). */
function* readRecords(path, count) {
  const text = fs.readFileSync(path, 'utf8')
  let start = 0
  for (let n = 0; n < count; n++) {
    const end = text.indexOf('\n', start)
    yield JSON.parse(text.slice(start, end))
    start = end + 1
  }
}

class Requests {
  constructor() {
    /** request id -> request */
    this.byId = new Map()
    /** `${kind}:${subject}` -> requests still open, oldest first */
    this.open = new Map()
  }

  add(record) {
    // Logs written before requests were tracked have no kind: every record then was an erasure.
    const kind = record.kind ?? 'erasure'
    const subjectKey = `${kind}:${record.subject}`
    let request = this.byId.get(record.request_id)
    // An erasure or export run gives each person a fresh request id: it answers the oldest open
    // request of the same kind for the same subject.
    if (request === undefined && (record.outcome === 'done' || record.outcome === 'failed')) {
      request = this.open.get(subjectKey)?.find((r) => r.state === 'open')
    }
    if (request === undefined) {
      request = {
        requestId: record.request_id,
        kind,
        subject: record.subject,
        jurisdiction: record.jurisdiction ?? null,
        receivedAt: record.received_at,
        extended: false,
        state: 'open',
        answeredAt: null,
        lastOutcome: null,
        reason: null,
      }
      this.byId.set(record.request_id, request)
      const list = this.open.get(subjectKey) ?? []
      list.push(request)
      this.open.set(subjectKey, list)
    }
    if (request.jurisdiction === null && record.jurisdiction) request.jurisdiction = record.jurisdiction
    if (record.received_at < request.receivedAt) request.receivedAt = record.received_at
    if (record.outcome === 'extended') request.extended = true
    if (record.outcome === 'done' || record.outcome === 'failed') {
      request.lastOutcome = record.outcome
      // An erasure the App API still found afterwards is not an answer.
      const answered = record.outcome === 'done' && record.verified !== false
      if (answered && request.state === 'open') {
        request.state = 'answered'
        request.answeredAt = record.completed_at
        request.reason = null
      } else if (!answered) {
        request.reason = record.reason ?? (record.verified === false ? 'still found after erasure' : null)
      }
    }
  }

  rows(now) {
    const rows = [...this.byId.values()].map((request) => {
      const { due, rule, assumed } = deadlineOf(request.receivedAt, request.jurisdiction, request.extended)
      const overdue = request.state === 'open' && now > due
      const late = request.state === 'answered' && new Date(request.answeredAt) > due
      return {
        ...request,
        deadline: due.toISOString(),
        rule,
        jurisdictionAssumed: assumed,
        overdue,
        answeredLate: late,
      }
    })
    // Overdue first, then the other open ones, then answered ones; each by deadline.
    const rank = (row) => (row.overdue ? 0 : row.state === 'open' ? 1 : 2)
    return rows.sort((a, b) => rank(a) - rank(b) || a.deadline.localeCompare(b.deadline))
  }
}

module.exports = { recordRequest, requestStatus }
