'use strict'

// Compiles a SanitizerPolicy in Rust: shared by createSanitizer and the bulk API, so both refuse
// a bad policy with the same coded errors.

const native = require('../native.js')
const { CustomerioSecurityTypeError, fromNative, typeError } = require('../errors.js')
const { nativeOptions } = require('./options.js')

/** The native policy handle for `policy` (undefined: the default policy). */
function compilePolicy(policy) {
  let options
  try {
    options = nativeOptions(policy)
  } catch (error) {
    if (error instanceof CustomerioSecurityTypeError) throw error
    // A getter or Proxy trap of the policy threw: the policy cannot be read.
    throw typeError('ERR_INVALID_POLICY', 'the sanitizer policy could not be read (a getter or Proxy trap threw)')
  }
  try {
    return native.sanitizerCreate(options.json, options.pepperKey, options.pepperKeyId)
  } catch (error) {
    throw fromNative(error, CustomerioSecurityTypeError)
  }
}

module.exports = { compilePolicy }
