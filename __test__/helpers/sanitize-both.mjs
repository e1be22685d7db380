// Runs one input through both entry points of a sanitizer and insists they agree, so every
// policy case checks the JS object walk and the Rust JSON walk at once.
import assert from 'node:assert/strict'

/**
 * `sanitizeWithReport(input)` and `sanitizeJsonWithReport(JSON.stringify(input))`: the parsed
 * JSON must equal the object result (keys in the same order) and the two reports must match.
 * Returns the object result.
 */
export function both(sanitizer, input) {
  const fromObject = sanitizer.sanitizeWithReport(input)
  const fromJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(input))
  const parsed = JSON.parse(fromJson.json)
  assert.deepEqual(parsed, fromObject.attributes, 'sanitizeJson and sanitize disagree on the output')
  assert.deepEqual(Object.keys(parsed), Object.keys(fromObject.attributes), 'key order differs')
  assert.deepEqual(fromJson.report, fromObject.report, 'sanitizeJson and sanitize disagree on the report')
  // The plain calls give what the report-producing ones give.
  assert.deepEqual(sanitizer.sanitize(input), fromObject.attributes)
  assert.equal(sanitizer.sanitizeJson(JSON.stringify(input)), fromJson.json)
  return fromObject
}

/**
 * Asserts `fn` throws a coded error: `code` as given, an Error, a message starting with the
 * package prefix, none of `secrets` in the message, and (when given) of class `Class`.
 * Returns the error.
 */
export function assertCoded(fn, code, { Class, secrets = [], mentions = [] } = {}) {
  let caught
  try {
    fn()
  } catch (error) {
    caught = error
  }
  assert.ok(caught !== undefined, `expected ${code}, nothing was thrown`)
  assert.ok(caught instanceof Error, 'not an Error')
  assert.equal(typeof caught.code, 'string')
  assert.equal(caught.code, code, `code ${caught.code}: ${caught.message}`)
  assert.ok(caught.message.startsWith('customerio-security: '), caught.message)
  if (Class !== undefined) assert.ok(caught instanceof Class, `${caught.name} is not a ${Class.name}`)
  for (const secret of secrets) {
    assert.ok(!caught.message.includes(secret), 'the message holds a value it must not')
    assert.ok(!String(caught.stack).includes(secret), 'the stack holds a value it must not')
  }
  for (const word of mentions) assert.ok(caught.message.includes(word), `"${caught.message}" does not name ${word}`)
  return caught
}
