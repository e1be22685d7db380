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

/**
 * An input that cannot be processed safely (a cycle, too deep, invalid JSON, a getter that
 * threw, a limit exceeded). Nothing partial is ever returned alongside it.
 */
class CustomerioSecurityError extends Error {
  constructor(code, message, options) {
    super(PREFIX + message, options)
    this.name = 'CustomerioSecurityError'
    this.code = code
  }
}

const NATIVE_MESSAGE = /^(ERR_[A-Z_]+): customerio-security: ([\s\S]*)$/

/**
 * The addon reports errors as `ERR_CODE: customerio-security: message`; this turns one into a
 * coded error of the right class. Anything else is rethrown as it is.
 */
function fromNative(error, TypeClass = CustomerioSecurityError) {
  const match = error instanceof Error ? NATIVE_MESSAGE.exec(error.message) : null
  if (match === null) return error
  return new TypeClass(match[1], match[2])
}

/** A file error in words ("no such file or directory"), never a path's contents or a stack. */
function describeIoError(error) {
  switch (error?.code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a directory'
    case 'ENOTDIR':
      return 'a parent is not a directory'
    default:
      return error?.code ?? error?.name ?? 'failed'
  }
}

module.exports = { CustomerioSecurityError, CustomerioSecurityTypeError, PREFIX, describeIoError, fromNative, typeError }
