// Report paths and error messages name where a change or a failure happened, never what a key
// holds: an object keyed by email or phone number renders that key as `<redacted>`, the same on
// both entry points (objects and JSON text), in reports, in limit reports and in errors.

import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createSanitizer, sanitizeAttributes } = require('../../index.js')

const EMAIL = 'jane.doe@example.com'
const PHONE = '+15550123456'
const CARD = '4111 1111 1111 1111'

test('keys that carry personal data are <redacted> in report paths, on both entry points', () => {
  const sanitizer = createSanitizer()
  const input = {
    contacts: { [EMAIL]: { ssn: '123-45-6789', phone: PHONE, plan: 'pro' } },
    [PHONE]: { card_number: CARD },
    [CARD]: { password: 'x' },
    user_42: { ssn: '123-45-6789' },
  }
  const expected = [
    'contacts.<redacted>.ssn',
    'contacts.<redacted>.phone',
    '<redacted>.card_number',
    '<redacted>.password',
    'user_42.ssn',
  ]
  const fromObject = sanitizer.sanitizeWithReport(input).report.changes.map((c) => c.path)
  const fromText = sanitizer.sanitizeJsonWithReport(JSON.stringify(input)).report.changes.map((c) => c.path)
  assert.deepEqual([...fromObject].sort(), [...expected].sort())
  assert.deepEqual(fromText.sort(), fromObject.sort())
  for (const text of [JSON.stringify(fromObject), JSON.stringify(fromText)]) {
    for (const value of [EMAIL, PHONE, CARD, '5550123456']) assert.ok(!text.includes(value), `${value} in ${text}`)
  }
})

test('error messages and limit reports render such keys <redacted> too', () => {
  const cyclic = { [EMAIL]: {} }
  cyclic[EMAIL].self = cyclic[EMAIL]
  assert.throws(
    () => sanitizeAttributes(cyclic),
    (error) =>
      error.code === 'ERR_CYCLE' && /at <redacted>\.self$/.test(error.message) && !error.message.includes(EMAIL),
  )
  const throwing = {
    [EMAIL]: {
      get x() {
        throw new Error('boom')
      },
    },
  }
  assert.throws(
    () => sanitizeAttributes(throwing),
    (error) => error.code === 'ERR_READ_FAILED' && !error.message.includes(EMAIL),
  )
  const long = { [EMAIL]: { notes: 'n'.repeat(1200) } }
  const { report } = createSanitizer({ limits: 'report' }).sanitizeJsonWithReport(JSON.stringify(long))
  assert.ok(report.changes.length > 0)
  assert.ok(
    report.changes.every((change) => !change.path.includes(EMAIL)),
    JSON.stringify(report),
  )
})
