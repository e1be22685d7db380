'use strict'

// Argument checks shared by erasePerson and eraseMany. Messages name the option or the rule,
// never the value: an id is personal data and must not end up in logs through an error.

const { typeError } = require('../errors.js')

/** Customer.io's identifier limit (facts/customerio.md: "id 150 bytes"). */
const MAX_ID_BYTES = 150

const MODES = ['suppress', 'destroy', 'suppress-and-destroy']

/** Why `id` cannot be erased, or null when it can. */
function idProblem(id) {
  if (typeof id !== 'string') return 'an id must be a string'
  if (id.trim() === '') return 'an id must not be blank'
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `an id must be at most ${MAX_ID_BYTES} bytes (UTF-8)`
  return null
}

/** Throws ERR_INVALID_ID (a TypeError) unless `id` is a non-blank string of at most 150 bytes. */
function checkId(id) {
  const problem = idProblem(id)
  if (problem !== null) throw typeError('ERR_INVALID_ID', problem)
}

function checkMode(mode) {
  if (mode === undefined) return 'suppress'
  if (!MODES.includes(mode)) throw typeError('ERR_INVALID_OPTION', `mode must be one of ${MODES.join(', ')}`)
  return mode
}

/** A whole number in [min, max], or the default when undefined. */
function integerOption(name, value, fallback, min, max = Number.MAX_SAFE_INTEGER) {
  if (value === undefined) return fallback
  if (!Number.isInteger(value) || value < min || value > max) {
    throw typeError('ERR_INVALID_OPTION', `${name} must be a whole number from ${min} to ${max}`)
  }
  return value
}

/** A finite number >= min, or the default when undefined. */
function numberOption(name, value, fallback, min) {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw typeError('ERR_INVALID_OPTION', `${name} must be a finite number >= ${min}`)
  }
  return value
}

function optionalString(name, value) {
  if (value !== undefined && typeof value !== 'string')
    throw typeError('ERR_INVALID_OPTION', `${name} must be a string`)
  return value
}

function checkClient(client, mode, useBatchApi) {
  const needs = useBatchApi ? ['batch'] : []
  if (mode !== 'destroy') needs.push('suppress')
  if (mode !== 'suppress') needs.push('destroy')
  const ok = client !== null && typeof client === 'object' && needs.every((name) => typeof client[name] === 'function')
  if (!ok)
    throw typeError(
      'ERR_INVALID_CLIENT',
      `the client must have ${needs.join(', ')} methods (a customerio-node TrackClient)`,
    )
}

/** The AuditLog interface erasure relies on: append, and subjectHash for the journal. */
function checkAudit(audit, required) {
  if (audit === undefined && !required) return
  const ok =
    audit !== null &&
    typeof audit === 'object' &&
    typeof audit.append === 'function' &&
    typeof audit.subjectHash === 'function'
  if (!ok) {
    throw typeError(
      'ERR_INVALID_OPTION',
      required ? 'audit is required: an AuditLog from openAuditLog()' : 'audit must be an AuditLog from openAuditLog()',
    )
  }
}

module.exports = {
  MAX_ID_BYTES,
  MODES,
  checkAudit,
  checkClient,
  checkId,
  checkMode,
  idProblem,
  integerOption,
  numberOption,
  optionalString,
}
