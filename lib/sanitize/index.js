'use strict'

const native = require('../native.js')
const { CustomerioSecurityError, CustomerioSecurityTypeError, fromNative, typeError } = require('../errors.js')
const { nativeOptions } = require('./options.js')
const { Walker } = require('./walk.js')

/**
 * A sanitizer for one policy. The policy is compiled once in Rust; each call walks the
 * attributes and returns a new object (the input is never changed).
 */
function createSanitizer(policy) {
  const options = nativeOptions(policy)
  let compiled
  try {
    compiled = native.sanitizerCreate(options.json, options.pepperKey, options.pepperKeyId)
  } catch (error) {
    throw fromNative(error, CustomerioSecurityTypeError)
  }
  const walker = new Walker(compiled, native.sanitizerInfo(compiled))

  return Object.freeze({
    sanitize(attrs) {
      return walker.run(attributes(attrs), null)
    },
    sanitizeWithReport(attrs) {
      const changes = []
      const result = walker.run(attributes(attrs), changes)
      return { attributes: result, report: { changes } }
    },
    sanitizeJson(json) {
      const asBuffer = jsonInput(json)
      try {
        return native.sanitizerJson(compiled, json, asBuffer)
      } catch (error) {
        throw fromNative(error)
      }
    },
    sanitizeJsonWithReport(json) {
      const asBuffer = jsonInput(json)
      try {
        const { output, changes } = native.sanitizerJsonReport(compiled, json, asBuffer)
        return { json: output, report: { changes } }
      } catch (error) {
        throw fromNative(error)
      }
    },
  })
}

function attributes(attrs) {
  let isArray
  try {
    isArray = Array.isArray(attrs)
  } catch (error) {
    // A revoked Proxy throws even here.
    throw new CustomerioSecurityError('ERR_READ_FAILED', 'reading the input failed at (top level)', { cause: error })
  }
  if (attrs === null || typeof attrs !== 'object' || isArray) {
    throw typeError('ERR_INVALID_ATTRIBUTES', 'attributes must be an object')
  }
  return attrs
}

/** True for a Buffer/Uint8Array (answered with a Buffer), false for a string. */
function jsonInput(json) {
  if (typeof json === 'string') return false
  if (json instanceof Uint8Array) return true
  throw typeError('ERR_INVALID_JSON_INPUT', 'sanitizeJson takes JSON text as a string, Buffer or Uint8Array')
}

let defaultSanitizer

/** Sanitizes with the default policy (the guide's rules, leak-proof). */
function sanitizeAttributes(attrs) {
  if (defaultSanitizer === undefined) defaultSanitizer = createSanitizer()
  return defaultSanitizer.sanitize(attrs)
}

module.exports = { createSanitizer, sanitizeAttributes }
