// Change reports are capped (10,000 changes listed, `omitted` counts the rest), the same way for
// JS objects and JSON text, so a record with a million changes cannot build a million objects.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import { createSanitizer } from '../../index.js'

const sanitizer = createSanitizer()

test('10,005 changes: 10,000 listed in order, 5 omitted, by both entry points', () => {
  // Limits off: the list's size would be one more change.
  const sanitizer = createSanitizer({ limits: 'off' })
  const input = { list: Array.from({ length: 10_005 }, () => ({ ssn: '078-05-1120', ok: 1 })) }
  const fromObject = sanitizer.sanitizeWithReport(input).report
  const fromJson = sanitizer.sanitizeJsonWithReport(JSON.stringify(input)).report
  for (const report of [fromObject, fromJson]) {
    assert.equal(report.changes.length, 10_000)
    assert.equal(report.omitted, 5)
    assert.deepEqual(report.changes[9_999], { path: 'list[9999].ssn', action: 'dropped', rule: 'government_id' })
  }
  assert.deepEqual(fromJson, fromObject)
})

test('under the caps nothing is omitted, and changes at one place share one path string', () => {
  const { report } = sanitizer.sanitizeJsonWithReport('{"note":"4111 1111 1111 1111 and 078-05-1120"}')
  assert.equal(report.omitted, 0)
  assert.equal(report.changes.length, 2)
  assert.ok(report.changes.every((change) => change.path === 'note'))
})

test('long paths past the budget (the input size) are counted, not listed', () => {
  const key = 'k'.repeat(100_000)
  const text = JSON.stringify({ [key]: Array(50).fill('4111 1111 1111 1111') })
  const { report } = sanitizer.sanitizeJsonWithReport(text)
  const listedBytes = report.changes.reduce((sum, change) => sum + change.path.length, 0)
  assert.ok(listedBytes <= text.length)
  assert.ok(report.omitted > 0)
  // Every change is either listed or counted: 50 redactions and 2 limits (name and value size).
  assert.equal(report.changes.length + report.omitted, 52)
})

test('a document whose output would outgrow 3x its size plus 1 MiB throws ERR_OUTPUT_TOO_LARGE', () => {
  // Each one-digit number under a hashed key becomes a 16-character digest.
  const text = `{"ip":[${Array(1 << 20)
    .fill(1)
    .join(',')}]}`
  assert.throws(() => sanitizer.sanitizeJson(text), { name: 'CustomerioSecurityError', code: 'ERR_OUTPUT_TOO_LARGE' })
  // The same numbers in a smaller document stay within the slack.
  const small = `{"ip":[${Array(1000).fill(1).join(',')}]}`
  assert.equal(JSON.parse(sanitizer.sanitizeJson(small)).ip_hash.length, 1000)
})
