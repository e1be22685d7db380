'use strict'

// customerioCdpPlugin: a `before` plugin for @customerio/cdp-analytics-node (Data Pipelines) that
// sanitizes each event's traits and properties. It must be `before`: the queue cancels an event
// whose `before` plugin throws (nothing is sent for it, and its callback gets the error), while
// an `enrichment` plugin's error is logged and the event goes out anyway (it would fail open).
// `before` plugins also run whatever the event's `integrations` say, so an event cannot opt out.

const { createSanitizer } = require('../sanitize/index.js')
const { CustomerioSecurityError, CustomerioSecurityTypeError } = require('../errors.js')
const { version } = require('../../package.json')

/** The event field holding personal data, per event type (alias has none besides context.traits). */
const FIELDS = {
  identify: 'traits',
  group: 'traits',
  track: 'properties',
  page: 'properties',
  screen: 'properties',
  alias: null,
}

/**
 * A plugin to pass to `analytics.register()`. `policy` is a SanitizerPolicy, a Sanitizer from
 * createSanitizer, or undefined for the default policy.
 */
function customerioCdpPlugin(policy) {
  const sanitizer = resolveSanitizer(policy)
  const plugin = {
    name: 'customerio-security sanitizer',
    type: 'before',
    version,
    isLoaded: () => true,
    load: () => Promise.resolve(),
  }
  for (const [type, field] of Object.entries(FIELDS)) {
    plugin[type] = (ctx) => {
      sanitizeEvent(sanitizer, ctx.event, field)
      return ctx
    }
  }
  return plugin
}

/**
 * Replaces `event[field]` and `event.context` with sanitized copies. The event's objects may be
 * the caller's own (the package keeps `properties` and `context` by reference), so they are
 * replaced, never changed. Both are computed before either is assigned: on an error the event is
 * left as it was, and the queue cancels it.
 */
function sanitizeEvent(sanitizer, event, field) {
  try {
    const value = field === null ? undefined : event[field]
    const data = value === undefined || value === null ? value : sanitizer.sanitize(value)
    const context = event.context
    let nextContext = context
    if (context !== null && typeof context === 'object' && context.traits !== undefined && context.traits !== null) {
      nextContext = { ...context, traits: sanitizer.sanitize(context.traits) }
    }
    if (data !== value) event[field] = data
    if (nextContext !== context) event.context = nextContext
  } catch (error) {
    throw failure(error)
  }
}

/** A coded error as it is; anything else (a getter or Proxy in the event itself) as ERR_READ_FAILED. */
function failure(error) {
  if (error instanceof CustomerioSecurityError || error instanceof CustomerioSecurityTypeError) return error
  return new CustomerioSecurityError('ERR_READ_FAILED', 'reading the event failed', { cause: error })
}

/** A Sanitizer passes as it is (it has `sanitize`; a policy never does); anything else is a policy. */
function resolveSanitizer(policy) {
  if (policy !== null && typeof policy === 'object' && typeof policy.sanitize === 'function') return policy
  return createSanitizer(policy)
}

module.exports = { customerioCdpPlugin }
