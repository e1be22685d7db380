'use strict'

// Turns a SanitizerPolicy into what the native core takes: the options as JSON text (checked in
// Rust, with errors that name the option) and the pepper apart, so a secret never travels inside
// a JSON string or shows up in an error about the options.

const { typeError } = require('../errors.js')

function nativeOptions(policy) {
  if (policy === undefined) return { json: '{}', pepperKey: undefined, pepperKeyId: undefined }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw typeError('ERR_INVALID_POLICY', 'the sanitizer policy must be an object')
  }
  const { pepper, ...options } = policy
  let json
  try {
    json = JSON.stringify(options)
  } catch {
    throw typeError('ERR_INVALID_POLICY', 'the sanitizer policy must be plain JSON data (besides pepper)')
  }
  if (pepper === undefined) return { json, pepperKey: undefined, pepperKeyId: undefined }
  return { json, ...pepperOf(pepper) }
}

function pepperOf(pepper) {
  if (pepper === null || typeof pepper !== 'object') {
    throw typeError('ERR_INVALID_PEPPER', 'pepper must be { key, keyId }')
  }
  const { key, keyId } = pepper
  if (!(typeof key === 'string' || key instanceof Uint8Array) || key.length === 0) {
    throw typeError('ERR_INVALID_PEPPER', 'pepper.key must be a non-empty string, Buffer or Uint8Array')
  }
  if (typeof keyId !== 'string') {
    throw typeError('ERR_INVALID_PEPPER', 'pepper.keyId must be a string (1-32 of A-Z a-z 0-9 _ . -)')
  }
  return { pepperKey: key, pepperKeyId: keyId }
}

module.exports = { nativeOptions }
