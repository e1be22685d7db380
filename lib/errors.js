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

let nativeCodes

/**
 * An error the addon threw, as a coded error of the right class: the addon's coded errors carry
 * their code as `code` (the list of them is the addon's own, `nativeErrorCodes()`) and the plain
 * message. Anything else (napi's own argument errors, a caught panic) is rethrown as it is.
 */
function fromNative(error, TypeClass = CustomerioSecurityError) {
  if (!(error instanceof Error) || typeof error.code !== 'string') return error
  // Loaded here, not at the top: this module is also used where the addon never is, and an
  // addon error means the addon is loaded already.
  nativeCodes ??= new Set(require('./native.js').nativeErrorCodes())
  if (!nativeCodes.has(error.code)) return error
  return new TypeClass(error.code, error.message)
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

module.exports = {
  CustomerioSecurityError,
  CustomerioSecurityTypeError,
  PREFIX,
  describeIoError,
  fromNative,
  typeError,
}
