'use strict'

// A copy of a verified event fit for logs and queues: what identifies or describes a person
// (recipients, email addresses, ids, message content, traits and properties) is removed, or,
// with a pepper, replaced by the sanitizer's keyed pseudonym, so events of one person still
// correlate (the same pseudonym as `hmac` gives in sanitized attributes under that pepper).
//
// It is an allow-list: only the names below pass, at any depth, so a field Customer.io adds
// later is dropped until it is listed. It runs on the sanitizer (allow-list mode), whose value
// detectors also run on what passes.

const { typeError } = require('../errors.js')
const { createSanitizer } = require('../sanitize/index.js')

/** Names that say what happened, never to whom: reporting webhooks and Segment-spec events. */
const STRUCTURE = Object.freeze([
  // Reporting webhooks
  'metric',
  'event_id',
  'object_type',
  'timestamp',
  'data',
  'identifiers',
  'recipients',
  'action_id',
  'broadcast_id',
  'campaign_id',
  'content_id',
  'delivery_id',
  'journey_id',
  'link_id',
  'newsletter_id',
  'parent_action_id',
  'transactional_message_id',
  'trigger_event_id',
  'trigger_id',
  'inbound_event_id',
  'device_platform',
  // Data Pipelines (Segment spec) events and their batch
  'batch',
  'type',
  'messageId',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'event',
  'category',
  'channel',
  'version',
])

/** Names that identify a person: pseudonymized with a pepper, dropped without one. */
const IDENTIFIERS = Object.freeze([
  'recipient',
  'email_address',
  'customer_id',
  'email',
  'id',
  'cio_id',
  'to',
  'device_id',
  'userId',
  'anonymousId',
  'previousId',
  'groupId',
])

/** Free text and data about a person: always dropped (unless `keep` lists the name). */
const CONTENT = Object.freeze([
  'content',
  'subject',
  'href',
  'failure_message',
  'traits',
  'properties',
  'context',
  'name',
])

/**
 * `createEventRedactor({ pepper?, keep? })` -> `(event) => redactedCopy`. `pepper` is the
 * sanitizer's `{ key, keyId }`; `keep` names fields to keep raw (they still pass the value
 * detectors).
 */
function createEventRedactor(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'redactEvent options must be an object')
  }
  const keep = options.keep === undefined ? [] : options.keep
  if (!Array.isArray(keep) || keep.some((name) => typeof name !== 'string' || name === '')) {
    throw typeError('ERR_INVALID_ARGUMENT', 'keep must be a list of field names')
  }
  const pepper = options.pepper
  const fields = {}
  for (const name of IDENTIFIERS) fields[name] = pepper === undefined ? 'drop' : 'hmac'
  for (const name of CONTENT) fields[name] = 'drop'
  // Kept names are allowed through, and the value detectors still run on them.
  for (const name of keep) delete fields[name]
  const sanitizer = createSanitizer({
    allow: [...STRUCTURE, ...keep],
    fields,
    ...(pepper === undefined ? {} : { pepper }),
    // Addresses in what passes (an id that is an email) are redacted too.
    detectors: { email: 'redact' },
    limits: 'off',
  })
  return function redact(event) {
    if (event === null || typeof event !== 'object') {
      throw typeError('ERR_INVALID_ARGUMENT', 'redactEvent takes an event object (or a batch of them)')
    }
    // A batch sent as a JSON array is redacted event by event.
    if (Array.isArray(event)) return sanitizer.sanitize({ batch: event }).batch
    return sanitizer.sanitize(event)
  }
}

// The redactor without options, built on first use; with options, one per options object.
let defaultRedactor
const redactors = new WeakMap()

/** A redacted copy of `event` (see createEventRedactor for the options). */
function redactEvent(event, options) {
  if (options === undefined) {
    defaultRedactor ??= createEventRedactor()
    return defaultRedactor(event)
  }
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'redactEvent options must be an object')
  }
  let redactor = redactors.get(options)
  if (redactor === undefined) {
    redactor = createEventRedactor(options)
    redactors.set(options, redactor)
  }
  return redactor(event)
}

module.exports = { CONTENT, IDENTIFIERS, STRUCTURE, createEventRedactor, redactEvent }
