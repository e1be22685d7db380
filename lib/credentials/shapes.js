'use strict'

// What Customer.io credentials look like, as Customer.io issues them: the site id and the
// Track API key are 20 lowercase-or-uppercase hex characters, the App API key 32. A value of the
// other shape is almost always a key pasted into the wrong variable, so the error says so.

const { invalid } = require('./endpoints.js')

const TRACK_SHAPE = /^[0-9a-f]{20}$/i
const APP_SHAPE = /^[0-9a-f]{32}$/i

const SHAPES = {
  track: { pattern: TRACK_SHAPE, text: '20 hex characters' },
  app: { pattern: APP_SHAPE, text: '32 hex characters' },
}

/** Throws ERR_INVALID_CREDENTIAL naming `variable` when `value` is not of `shape` ('track' | 'app'). */
function checkShape(variable, value, shape) {
  const expected = SHAPES[shape]
  if (expected.pattern.test(value)) return
  let hint = ''
  if (shape === 'track' && APP_SHAPE.test(value)) hint = ' (it has the shape of an App API key)'
  if (shape === 'app' && TRACK_SHAPE.test(value)) hint = ' (it has the shape of a site id or Track API key)'
  throw invalid(variable, `must be ${expected.text} (it has ${value.length} characters${describe(value)})${hint}`)
}

// Only the length and character classes: enough to spot a quoted or base64 value, never the value.
function describe(value) {
  if (/^[0-9a-f]*$/i.test(value)) return ''
  if (/["']/.test(value)) return ', including quotes'
  return ', not all hex'
}

/** Which key a webhook secret looks like, if any: 'Track API key or site id' | 'App API key' | null. */
function lookalike(value) {
  if (TRACK_SHAPE.test(value)) return 'a site id or Track API key (20 hex)'
  if (APP_SHAPE.test(value)) return 'an App API key (32 hex)'
  return null
}

module.exports = { APP_SHAPE, TRACK_SHAPE, checkShape, lookalike }
