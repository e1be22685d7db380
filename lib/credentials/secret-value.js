'use strict'

// SecretValue: a string that cannot leak by accident. Every implicit conversion (String(),
// template literals, `+`, JSON.stringify, util.inspect, console.log, util.format('%s'), an
// error message built from it) yields '[REDACTED]'; the value comes out only through reveal().
// The raw value sits in a #private field: Object.keys, spread, structuredClone, Reflect.ownKeys
// and util.inspect({ showHidden: true }) cannot see it.

const { inspect } = require('node:util')
const { createHash, timingSafeEqual } = require('node:crypto')
const { typeError } = require('../errors.js')
const { remember } = require('./live-secrets.js')

const REDACTED = '[REDACTED]'

class SecretValue {
  #value

  /** `value`: a non-empty string. `options.register: false` keeps it out of scrub()'s registry. */
  constructor(value, options = {}) {
    if (typeof value !== 'string') throw typeError('ERR_INVALID_SECRET', 'a SecretValue holds a string')
    if (value.length === 0) throw typeError('ERR_EMPTY_SECRET', 'a SecretValue cannot be empty')
    this.#value = value
    if (options.register !== false) remember(this)
    Object.freeze(this)
  }

  /** The raw value: the one explicit way out. */
  reveal() {
    return this.#value
  }

  /** Constant-time comparison with another SecretValue or a string (lengths may differ). */
  equals(other) {
    const theirs = other instanceof SecretValue ? other.#value : other
    if (typeof theirs !== 'string') return false
    // Hashing first gives equal-length inputs, so timingSafeEqual never throws on length.
    return timingSafeEqual(digest(this.#value), digest(theirs))
  }

  toString() {
    return REDACTED
  }

  toJSON() {
    return REDACTED
  }

  valueOf() {
    return REDACTED
  }

  [Symbol.toPrimitive]() {
    return REDACTED
  }

  [inspect.custom]() {
    return REDACTED
  }

  /** True for a SecretValue made by this module (a brand check: a look-alike object is not one). */
  static isSecretValue(value) {
    return value !== null && typeof value === 'object' && #value in value
  }
}

// Not enumerable or writable on the prototype either: a stray `for...in` or a reassignment
// of toJSON on the prototype by other code must not open a path to the value.
Object.freeze(SecretValue.prototype)
Object.freeze(SecretValue)

function digest(text) {
  return createHash('sha256').update(text, 'utf8').digest()
}

/**
 * A SecretValue's raw value, anything else as it is: every API that takes a secret, pepper or
 * key accepts loadCredentials' SecretValues through this, so callers never need .reveal().
 */
function unwrapSecret(value) {
  return SecretValue.isSecretValue(value) ? value.reveal() : value
}

/** SecretValue's raw value, for the registry (a function so live-secrets.js needs no class). */
function revealSecret(secret) {
  return secret.reveal()
}

module.exports = { REDACTED, SecretValue, revealSecret, unwrapSecret }
