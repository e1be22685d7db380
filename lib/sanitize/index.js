'use strict'

const { types } = require('node:util')

const native = require('../native.js')
const { CustomerioSecurityError, fromNative, typeError } = require('../errors.js')
const { compilePolicy } = require('./compile.js')
const { Walker } = require('./walk.js')

/** The sensitive classes of attribute names, as the Rust core defines them. */
const SENSITIVE_CLASSES = Object.freeze(native.sensitiveClasses().map((entry) => Object.freeze({ ...entry })))

/**
 * A sanitizer for one policy. The policy is compiled once in Rust; each call walks the
 * attributes and returns a new object (the input is never changed).
 */
function createSanitizer(policy) {
  const compiled = compilePolicy(policy)
  const walker = new Walker(compiled, native.sanitizerInfo(compiled))

  return Object.freeze({
    sanitize(attrs) {
      return walker.run(attributes(attrs), null)
    },
    sanitizeWithReport(attrs) {
      const report = { changes: [], omitted: 0 }
      const result = walker.run(attributes(attrs), report)
      return { attributes: result, report }
    },
    sanitizeJson(json) {
      const asBuffer = jsonInput(json)
      try {
        return native.sanitizerJson(compiled, json, asBuffer)
      } catch (error) {
        throw fromNative(error)
      }
    },
    sanitizeNdjson(ndjson) {
      const asBuffer = jsonInput(ndjson)
      try {
        const { output, errors } = native.sanitizerNdjson(compiled, ndjson, asBuffer)
        return { ndjson: output, errors }
      } catch (error) {
        throw fromNative(error)
      }
    },
    sanitizeJsonWithReport(json) {
      const asBuffer = jsonInput(json)
      try {
        const { output, paths, changes, omitted } = native.sanitizerJsonReport(compiled, json, asBuffer)
        // Changes at one place share one path string (the native side sends each path once).
        for (const change of changes) change.path = paths[change.path]
        return { json: output, report: { changes, omitted } }
      } catch (error) {
        throw fromNative(error)
      }
    },
  })
}

function attributes(attrs) {
  if (attrs === null || typeof attrs !== 'object') {
    throw typeError('ERR_INVALID_ATTRIBUTES', 'attributes must be an object')
  }
  let isArray
  let isString
  try {
    isArray = Array.isArray(attrs)
    // A String object's keys are its characters: sent one by one, they would carry the text past
    // the detectors. Every String object has an own `length`; testing that first spares the
    // native slot test (the costlier part) to all other inputs.
    isString = Object.hasOwn(attrs, 'length') && types.isStringObject(attrs)
  } catch (error) {
    // A revoked Proxy throws even here.
    throw new CustomerioSecurityError('ERR_READ_FAILED', 'reading the input failed at (top level)', { cause: error })
  }
  if (isArray || isString) throw typeError('ERR_INVALID_ATTRIBUTES', 'attributes must be an object')
  return attrs
}

/** True for a Buffer/Uint8Array (answered with a Buffer), false for a string. */
function jsonInput(json) {
  if (typeof json === 'string') return false
  // By internal slots, not instanceof alone: a Proxy of a Buffer passes instanceof but napi
  // cannot read it, and a Proxy's traps could throw anything.
  if (isBytes(json)) return true
  throw typeError('ERR_INVALID_JSON_INPUT', 'sanitizeJson takes JSON text as a string, Buffer or Uint8Array')
}

function isBytes(value) {
  return !types.isProxy(value) && ArrayBuffer.isView(value) && value instanceof Uint8Array
}

let defaultSanitizer

/** Sanitizes with the default policy (the guide's rules, leak-proof). */
function sanitizeAttributes(attrs) {
  if (defaultSanitizer === undefined) defaultSanitizer = createSanitizer()
  return defaultSanitizer.sanitize(attrs)
}

module.exports = { SENSITIVE_CLASSES, createSanitizer, sanitizeAttributes }
