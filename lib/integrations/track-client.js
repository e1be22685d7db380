'use strict'

// secureTrackClient: a customerio-node TrackClient whose payloads are sanitized before the client
// sees them. It is a Proxy over the client: reads, writes and `instanceof` go to the client, and
// only the methods that carry personal attributes are replaced. Unsanitizable input rejects the
// call before anything reaches the client, so nothing is sent (fail closed).

const { inspect } = require('node:util')

const { createSanitizer } = require('../sanitize/index.js')
const { CustomerioSecurityError, CustomerioSecurityTypeError, typeError } = require('../errors.js')

// Fields that address or describe the call, never personal attributes: sent as they are, whatever
// the policy (an allow-list policy must not drop an event's `name`). Identifiers are kept raw
// because Customer.io needs them to find the person (put personal data in attributes, not ids).
const EVENT_FIELDS = ['name', 'id', 'type', 'timestamp']
const ANONYMOUS_EVENT_FIELDS = [...EVENT_FIELDS, 'anonymous_id']
const IDENTIFY_FIELDS = ['_update', '_timestamp']
const OPERATION_FIELDS = [
  'type',
  'action',
  'identifiers',
  'name',
  'id',
  'timestamp',
  'anonymous_id',
  'primary',
  'secondary',
]
const DEVICE_FIELDS = ['token', 'id', 'platform', 'last_used']
const RELATIONSHIP_FIELDS = ['identifiers', 'object_type_id', 'object_id']
const V1_RELATIONSHIPS_FIELDS = ['action']

// Containers inside a payload, each with its own handler; every other field of the payload is
// sanitized with the policy as one attribute object, so an unexpected field cannot carry a value
// out unsanitized.
const RELATIONSHIP_PARTS = { relationship_attributes: attributes }
const V1_RELATIONSHIPS_PARTS = { relationships: list(RELATIONSHIP_FIELDS, RELATIONSHIP_PARTS) }
const IDENTIFY_PARTS = { cio_relationships: shaped(V1_RELATIONSHIPS_FIELDS, V1_RELATIONSHIPS_PARTS) }
const EVENT_PARTS = { data: attributes }
const DEVICE_PARTS = { attributes }
const OPERATION_PARTS = {
  attributes,
  device: shaped(DEVICE_FIELDS, DEVICE_PARTS),
  cio_relationships: list(RELATIONSHIP_FIELDS, RELATIONSHIP_PARTS),
}
const operation = shaped(OPERATION_FIELDS, OPERATION_PARTS)

/** The replaced methods: which argument carries the payload, and how it is sanitized. */
const METHODS = {
  identify: [1, shaped(IDENTIFY_FIELDS, IDENTIFY_PARTS)], // identify(customerId, attributes)
  track: [1, shaped(EVENT_FIELDS, EVENT_PARTS)], // track(customerId, { name, data, ... })
  trackAnonymous: [1, shaped(ANONYMOUS_EVENT_FIELDS, EVENT_PARTS)], // trackAnonymous(anonymousId, event)
  batch: [0, operations], // batch([operation, ...]) -> POST /api/v2/batch
  entity: [0, operation], // entity(operation) -> POST /api/v2/entity, one batch-style operation
  addDevice: [3, shaped(['last_used'], {})], // addDevice(id, token, platform, { last_used, ...attributes })
  submitForm: [1, attributes], // submitForm(formId, fields)
}

/**
 * Wraps `client` so identify, track, trackAnonymous, batch, entity, addDevice and submitForm send
 * sanitized payloads; every other member is the client's own. `policy` is a SanitizerPolicy, a
 * Sanitizer from createSanitizer, or undefined for the default policy.
 */
function secureTrackClient(client, policy) {
  if (client === null || typeof client !== 'object' || typeof client.identify !== 'function') {
    throw typeError('ERR_INVALID_CLIENT', 'secureTrackClient takes a customerio-node TrackClient')
  }
  const sanitizer = resolveSanitizer(policy)
  const replaced = new Map()
  const wrapper = { proxy: undefined }
  for (const [name, [index, sanitizePayload]] of Object.entries(METHODS)) {
    if (typeof client[name] !== 'function') continue
    replaced.set(name, guarded(client, wrapper, name, index, sanitizePayload, sanitizer))
  }
  // The Proxy's target is an empty object whose prototype is the client: reads and `instanceof`
  // still reach the client, but util.inspect (which looks at a Proxy's target directly) and
  // JSON.stringify see no `apikey` (customerio-node keeps its key in a public field).
  const shadow = Object.create(client)
  Object.defineProperty(shadow, inspect.custom, { value: () => 'SecureTrackClient { [REDACTED] }' })
  Object.defineProperty(shadow, 'toJSON', { value: () => ({ secureTrackClient: '[REDACTED]' }) })
  wrapper.proxy = new Proxy(shadow, {
    get(target, key, receiver) {
      // Other methods come back unbound: called on the wrapper, their `this` is the wrapper,
      // which forwards to the client, so a method that calls this.identify() is sanitized too.
      return replaced.get(key) ?? Reflect.get(target, key, receiver)
    },
    set(target, key, value) {
      return Reflect.set(client, key, value)
    },
  })
  return wrapper.proxy
}

/**
 * The replacement for one method: sanitizes the payload argument, then calls the client's own
 * method (looked up on each call) with the wrapper as `this`. Not async on purpose: the client's
 * argument checks (MissingParamError) still throw synchronously, while a sanitizer failure
 * rejects the returned promise before the client is called.
 */
function guarded(client, wrapper, name, index, sanitizePayload, sanitizer) {
  return (...args) => {
    let next = args
    try {
      if (index < args.length && args[index] !== undefined) {
        next = args.slice()
        next[index] = sanitizePayload(sanitizer, args[index])
      }
    } catch (error) {
      return Promise.reject(failure(error))
    }
    return Reflect.get(client, name, wrapper.proxy).apply(wrapper.proxy, next)
  }
}

function operations(sanitizer, list) {
  // Not an array: the client throws its own MissingParamError.
  if (!Array.isArray(list)) return list
  const out = new Array(list.length)
  for (let i = 0; i < list.length; i++) out[i] = operation(sanitizer, list[i])
  return out
}

function attributes(sanitizer, value) {
  return value === null || value === undefined ? value : sanitizer.sanitize(value)
}

/** A handler for an array of `shaped` items (null and undefined pass: nothing to send). */
function list(fields, parts) {
  const item = shaped(fields, parts)
  return (sanitizer, value) => {
    if (value === null || value === undefined) return value
    if (!Array.isArray(value)) return sanitizer.sanitize(value)
    return value.map((entry) => item(sanitizer, entry))
  }
}

/**
 * A handler that copies an object: `fields` as they are, each key of `parts` through its own
 * handler, everything else sanitized with the policy as one attribute object. A non-object
 * payload is refused by the sanitizer (ERR_INVALID_ATTRIBUTES).
 */
function shaped(fields, parts) {
  return (sanitizer, payload) => {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return sanitizer.sanitize(payload)
    const out = {}
    // No prototype: a `__proto__` key stays an own key, which the sanitizer drops.
    const rest = Object.create(null)
    let hasRest = false
    for (const key of Object.keys(payload)) {
      if (fields.includes(key)) out[key] = payload[key]
      else if (Object.hasOwn(parts, key)) out[key] = parts[key](sanitizer, payload[key])
      else {
        rest[key] = payload[key]
        hasRest = true
      }
    }
    return hasRest ? Object.assign(out, sanitizer.sanitize(rest)) : out
  }
}

/** A coded error as it is; anything else (a getter or Proxy of the payload itself) as ERR_READ_FAILED. */
function failure(error) {
  if (error instanceof CustomerioSecurityError || error instanceof CustomerioSecurityTypeError) return error
  return new CustomerioSecurityError('ERR_READ_FAILED', 'reading the payload failed', { cause: error })
}

/** A Sanitizer passes as it is (it has `sanitize`; a policy never does); anything else is a policy. */
function resolveSanitizer(policy) {
  if (policy !== null && typeof policy === 'object' && typeof policy.sanitize === 'function') return policy
  return createSanitizer(policy)
}

module.exports = { secureTrackClient }
