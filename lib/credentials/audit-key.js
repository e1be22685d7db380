'use strict'

// loadAuditKey: the audit log's key, CUSTOMERIO_AUDIT_KEY, and its id, CUSTOMERIO_AUDIT_KEY_ID,
// read from the environment. Unlike the Customer.io credentials, surrounding whitespace is refused,
// not trimmed: records sealed under a key with a pasted newline would not verify under the key
// without it. Errors name the variable and the problem, never the value.

const { CustomerioSecurityError, typeError } = require('../errors.js')
const { SecretValue } = require('./secret-value.js')

const KEY_VARIABLE = 'CUSTOMERIO_AUDIT_KEY'
const KEY_ID_VARIABLE = 'CUSTOMERIO_AUDIT_KEY_ID'

/**
 * `{ key, keyId }` for openAuditLog and verifyAuditLog: `key` a SecretValue, `keyId` the id
 * written into records, or undefined when CUSTOMERIO_AUDIT_KEY_ID is not set or empty.
 * Throws ERR_MISSING_CREDENTIAL (not set or empty) or ERR_INVALID_CREDENTIAL (not a string,
 * or surrounding whitespace), with `variable` naming the variable.
 */
function loadAuditKey(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'loadAuditKey options must be an object')
  }
  const { env = process.env } = options
  if (env === null || typeof env !== 'object') throw typeError('ERR_INVALID_ARGUMENT', 'env must be an object')
  const key = env[KEY_VARIABLE]
  if (key === undefined || key === null || key === '') {
    throw credentialError(
      'ERR_MISSING_CREDENTIAL',
      KEY_VARIABLE,
      `${KEY_VARIABLE} is not set or empty: it must hold the audit log key`,
    )
  }
  if (typeof key !== 'string') {
    throw credentialError('ERR_INVALID_CREDENTIAL', KEY_VARIABLE, `${KEY_VARIABLE} must be a string, not ${typeof key}`)
  }
  if (key.trim() !== key) {
    throw credentialError(
      'ERR_INVALID_CREDENTIAL',
      KEY_VARIABLE,
      `${KEY_VARIABLE} has leading or trailing whitespace (a pasted newline?): remove it`,
    )
  }
  const keyId = env[KEY_ID_VARIABLE]
  return { key: new SecretValue(key), keyId: keyId === '' || keyId === null ? undefined : keyId }
}

function credentialError(code, variable, message) {
  const error = new CustomerioSecurityError(code, message)
  error.variable = variable
  return error
}

module.exports = { KEY_ID_VARIABLE, KEY_VARIABLE, loadAuditKey }
