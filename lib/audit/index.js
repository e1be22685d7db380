'use strict'

// The erasure audit log: append-only JSON lines, hash-chained and sealed in Rust
// (crates/core/src/audit). This file opens, appends durably and verifies; it never writes a
// raw identifier: subjects are keyed hashes.

const fs = require('node:fs')
const { inspect, types } = require('node:util')

const native = require('../native.js')
const { CustomerioSecurityError, CustomerioSecurityTypeError, fromNative, typeError } = require('../errors.js')
const { GroupCommitFile, fdHandle } = require('../durable/group-commit.js')
const { unwrapSecret } = require('../credentials/secret-value.js')

const GENESIS_MAC = '0'.repeat(64)
/**
 * What a record says happened: an erasure or an export finished (`done`) or gave up (`failed`);
 * a request was received, or its deadline extended with notice to the person.
 */
const OUTCOMES = ['done', 'failed', 'received', 'extended']
/** The rights a record is about: a copy of the data (GDPR Art. 15, CCPA's right to know), or erasure. */
const REQUEST_KINDS = ['access', 'erasure']
const KEY_ID = /^[A-Za-z0-9_.-]{1,32}$/

function auditKeyOf(given) {
  const key = unwrapSecret(given)
  const bytes = !types.isProxy(key) && ArrayBuffer.isView(key) && key instanceof Uint8Array
  if (!(typeof key === 'string' || bytes) || key.length === 0) {
    throw typeError(
      'ERR_MISSING_AUDIT_KEY',
      'an audit key (a non-empty string, Buffer, Uint8Array or SecretValue) is required',
    )
  }
  try {
    return native.auditKey(key)
  } catch (error) {
    throw fromNative(error)
  }
}

/**
 * Opens (or creates) an audit log for appending. An existing log is verified first: appending to
 * a log that does not verify would hide the tampering behind new valid records. A last line cut
 * off by a crash mid-append was never acknowledged, so it is dropped.
 */
function openAuditLog(path, options) {
  if (typeof path !== 'string' || path.length === 0) throw typeError('ERR_INVALID_PATH', 'path must be a file path')
  if (options === null || typeof options !== 'object')
    throw typeError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const key = auditKeyOf(options.key)
  const keyId = options.keyId === undefined ? 'k1' : options.keyId
  if (typeof keyId !== 'string' || !KEY_ID.test(keyId)) {
    throw typeError('ERR_INVALID_KEY_ID', 'keyId must be 1-32 characters of A-Z a-z 0-9 _ . -')
  }
  const fd = fs.openSync(path, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_APPEND, 0o600)
  let head
  try {
    head = recover(fd, key)
  } catch (error) {
    fs.closeSync(fd)
    throw error
  }
  return new AuditLog(fd, key, keyId, head)
}

function recover(fd, key) {
  const content = fs.readFileSync(fd)
  let check = verifyContent(key, content)
  if (check.problem === 'INCOMPLETE_LAST_LINE') {
    const keep = content.lastIndexOf(0x0a) + 1
    fs.ftruncateSync(fd, keep)
    check = verifyContent(key, content.subarray(0, keep))
  }
  if (check.problem !== '') {
    throw new CustomerioSecurityError(
      'ERR_AUDIT_LOG_INVALID',
      `the audit log does not verify (${check.problem} at line ${check.problemLine}); refusing to append`,
    )
  }
  return parseHead(check.head)
}

class AuditLog {
  #key
  #keyId
  #head
  #file

  constructor(fd, key, keyId, head) {
    this.#key = key
    this.#keyId = keyId
    this.#head = head
    this.#file = new GroupCommitFile(fdHandle(fd), 'audit log', 'ERR_AUDIT_WRITE')
  }

  /**
   * Appends one record; resolves with the new head once it is on disk. Sealing happens here, in
   * call order, so concurrent appends chain in the order they were made; the file then writes
   * whatever queued up with one write and one fsync.
   */
  append(record) {
    let line
    try {
      line = this.#seal(recordFields(record, this))
    } catch (error) {
      return Promise.reject(error)
    }
    const head = this.head()
    return this.#file.append(line + '\n').then(() => head)
  }

  /** The keyed hash that stands for an identifier in the log (64 hex). */
  subjectHash(identifier) {
    if (typeof identifier !== 'string') throw typeError('ERR_INVALID_ID', 'an identifier must be a string')
    return native.auditSubject(this.#key, identifier)
  }

  head() {
    return this.#head === null ? null : { ...this.#head }
  }

  close() {
    return this.#file.close()
  }

  #seal(fields) {
    const seq = (this.#head === null ? 0 : this.#head.seq) + 1
    const prev = this.#head === null ? GENESIS_MAC : this.#head.mac
    const body = JSON.stringify({ seq, prev, key_id: this.#keyId, ...fields })
    let sealed
    try {
      sealed = native.auditSeal(this.#key, body)
    } catch (error) {
      throw fromNative(error, CustomerioSecurityTypeError)
    }
    const [line, mac] = sealed
    this.#head = { seq, mac }
    return line
  }

  [inspect.custom]() {
    return `AuditLog { head: ${this.#head === null ? 'none' : `${this.#head.seq}:${this.#head.mac}`}, key: [REDACTED] }`
  }

  toJSON() {
    return { head: this.head(), key: '[REDACTED]' }
  }
}

/** The record as written: fixed member order, times as ISO strings, the subject hashed. */
function recordFields(record, log) {
  if (record === null || typeof record !== 'object')
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'a record must be an object')
  const { requestId, subject, actions, outcome } = record
  if (typeof requestId !== 'string' || requestId.length === 0) {
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'requestId must be a non-empty string')
  }
  if (typeof subject !== 'string' || subject.length === 0) {
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'subject must be the non-empty identifier (it is written hashed)')
  }
  if (!OUTCOMES.includes(outcome)) {
    throw typeError('ERR_INVALID_AUDIT_RECORD', `outcome must be one of ${OUTCOMES.join(', ')}`)
  }
  if (record.kind !== undefined && !REQUEST_KINDS.includes(record.kind)) {
    throw typeError('ERR_INVALID_AUDIT_RECORD', `kind must be one of ${REQUEST_KINDS.join(', ')}`)
  }
  if (record.verified !== undefined && typeof record.verified !== 'boolean') {
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'verified must be a boolean')
  }
  if (!Array.isArray(actions)) throw typeError('ERR_INVALID_AUDIT_RECORD', 'actions must be an array')
  const fields = {
    request_id: requestId,
    subject: log.subjectHash(subject),
    jurisdiction: optionalString(record.jurisdiction, 'jurisdiction'),
    received_at: time(record.receivedAt, 'receivedAt'),
    completed_at: record.completedAt === undefined ? new Date().toISOString() : time(record.completedAt, 'completedAt'),
    actions: actions.map(action),
    outcome,
    reason: optionalString(record.reason, 'reason'),
    actor: optionalString(record.actor, 'actor'),
    policy_version: optionalString(record.policyVersion, 'policyVersion'),
  }
  // Added later (data subject requests): written only when given, so records made without them
  // read exactly as before, and a log from before has none (a record without a kind is an erasure).
  if (record.kind !== undefined) fields.kind = record.kind
  if (record.verified !== undefined) {
    fields.verified = record.verified
    fields.verified_at = time(record.verifiedAt, 'verifiedAt')
  }
  return fields
}

function action(entry) {
  if (entry === null || typeof entry !== 'object' || typeof entry.action !== 'string') {
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'each action needs an `action` name')
  }
  const status = entry.status === undefined || entry.status === null ? null : entry.status
  if (status !== null && !Number.isInteger(status))
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'an action status must be an integer or null')
  if (!Number.isInteger(entry.attempts) || entry.attempts < 0) {
    throw typeError('ERR_INVALID_AUDIT_RECORD', 'an action needs a whole number of attempts')
  }
  const out = { action: entry.action, status, attempts: entry.attempts }
  if (entry.error !== undefined) out.error = String(entry.error)
  return out
}

function optionalString(value, name) {
  if (value === undefined || value === null) return null
  if (typeof value !== 'string') throw typeError('ERR_INVALID_AUDIT_RECORD', `${name} must be a string`)
  return value
}

function time(value, name) {
  const date = value instanceof Date ? value : new Date(value)
  if (value === undefined || Number.isNaN(date.getTime())) {
    throw typeError('ERR_INVALID_AUDIT_RECORD', `${name} must be a Date, an ISO string or epoch milliseconds`)
  }
  return date.toISOString()
}

/**
 * Verifies a whole log. `expectedHead` (the head saved elsewhere, as `{ seq, mac }` or 'seq:mac')
 * also detects records cut off the end, which no chain can show by itself.
 */
function verifyAuditLog(path, options) {
  // A number would be read as a file descriptor (0 is stdin).
  if (typeof path !== 'string' || path.length === 0) throw typeError('ERR_INVALID_PATH', 'path must be a file path')
  if (options === null || typeof options !== 'object')
    throw typeError('ERR_INVALID_ARGUMENT', 'options must be an object')
  const key = auditKeyOf(options.key)
  const expected = headText(options.expectedHead)
  let content
  try {
    content = fs.readFileSync(path)
  } catch (error) {
    throw new CustomerioSecurityError(
      'ERR_AUDIT_LOG_UNREADABLE',
      `the audit log cannot be read (${error.code ?? 'error'})`,
      {
        cause: error,
      },
    )
  }
  const check = verifyContent(key, content, expected)
  const result = { valid: check.problem === '', records: check.records, head: parseHead(check.head) }
  if (check.problem !== '') {
    result.firstBadRecord = check.problemLine
    result.reason = check.problem
  }
  return result
}

function verifyContent(key, content, expectedHead) {
  try {
    return native.auditVerify(key, content, expectedHead)
  } catch (error) {
    throw fromNative(error, CustomerioSecurityTypeError)
  }
}

function headText(head) {
  if (head === undefined || head === null) return undefined
  if (typeof head === 'string') return head
  if (typeof head === 'object' && Number.isSafeInteger(head.seq) && typeof head.mac === 'string')
    return `${head.seq}:${head.mac}`
  throw typeError('ERR_INVALID_HEAD', "expectedHead must be { seq, mac } or 'seq:mac'")
}

function parseHead(text) {
  if (text === '') return null
  const at = text.indexOf(':')
  return { seq: Number(text.slice(0, at)), mac: text.slice(at + 1) }
}

/** `seq:mac`, the form to store elsewhere as an anchor. */
function formatAuditHead(head) {
  return `${head.seq}:${head.mac}`
}

module.exports = { AuditLog, OUTCOMES, REQUEST_KINDS, formatAuditHead, openAuditLog, verifyAuditLog }
