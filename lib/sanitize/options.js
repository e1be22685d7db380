'use strict'

// Turns a SanitizerPolicy into what the native core takes: the options as JSON text (checked in
// Rust, with errors that name the option) and the pepper apart, so a secret never travels inside
// a JSON string or shows up in an error about the options.

const { types } = require('node:util')

const { CustomerioSecurityTypeError, typeError } = require('../errors.js')
const { unwrapSecret } = require('../credentials/secret-value.js')

function nativeOptions(policy) {
  if (policy === undefined) return { json: '{}', pepperKey: undefined, pepperKeyId: undefined }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw typeError('ERR_INVALID_POLICY', 'the sanitizer policy must be an object')
  }
  const { pepper, ...options } = policy
  let json
  try {
    json = JSON.stringify(options, refuseNonJson)
  } catch (error) {
    if (error instanceof CustomerioSecurityTypeError) throw error
    throw typeError('ERR_INVALID_POLICY', 'the sanitizer policy must be plain JSON data (besides pepper)')
  }
  if (pepper === undefined) return { json, pepperKey: undefined, pepperKeyId: undefined }
  return { json, ...pepperOf(pepper) }
}

// JSON.stringify would drop a function, Symbol or undefined value silently, and a rule dropped
// that way falls back to the default (the field kept raw): refuse them instead.
function refuseNonJson(key, value) {
  const type = typeof value
  if (type === 'function' || type === 'symbol' || (type === 'undefined' && key !== '')) {
    throw typeError(
      'ERR_INVALID_POLICY',
      `policy option '${String(key).slice(0, 40)}' must be JSON data, not a ${type}`,
    )
  }
  return value
}

function pepperOf(pepper) {
  if (pepper === null || typeof pepper !== 'object') {
    throw typeError('ERR_INVALID_PEPPER', 'pepper must be { key, keyId }')
  }
  const key = unwrapSecret(pepper.key)
  const keyId = pepper.keyId
  const bytes = !types.isProxy(key) && ArrayBuffer.isView(key) && key instanceof Uint8Array
  if (!(typeof key === 'string' || bytes) || key.length === 0) {
    throw typeError('ERR_INVALID_PEPPER', 'pepper.key must be a non-empty string, Buffer, Uint8Array or SecretValue')
  }
  if (typeof keyId !== 'string') {
    throw typeError('ERR_INVALID_PEPPER', 'pepper.keyId must be a string (1-32 of A-Z a-z 0-9 _ . -)')
  }
  return { pepperKey: key, pepperKeyId: keyId }
}

module.exports = { nativeOptions }
