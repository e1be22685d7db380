'use strict'

const PREFIX = 'customerio-security: '

/**
 * Misuse of the API (a missing secret, a parsed body, a bad option). The `code` is stable;
 * the message never contains a secret or a value the caller passed in.
 */
class CustomerioSecurityTypeError extends TypeError {
  constructor(code, message) {
    super(PREFIX + message)
    this.name = 'CustomerioSecurityTypeError'
    this.code = code
  }
}

function typeError(code, message) {
  return new CustomerioSecurityTypeError(code, message)
}

module.exports = { CustomerioSecurityTypeError, typeError, PREFIX }
