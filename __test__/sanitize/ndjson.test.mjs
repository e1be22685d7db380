// sanitizeNdjson: a whole export in one call must give, line for line, what sanitizeJson gives.

import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import fc from 'fast-check'

const require = createRequire(import.meta.url)
const { createSanitizer } = require('../../index.js')

const record = fc.dictionary(
  fc.constantFrom('id', 'email', 'phone', 'ssn', 'note', 'billing', 'tags', 'Phone-Number'),
  fc.oneof(
    fc.string(),
    fc.integer(),
    fc.constant('4111 1111 1111 1111'),
    fc.dictionary(fc.constantFrom('card_number', 'city'), fc.string()),
  ),
)

test('each line equals sanitizeJson of that line, in order', () => {
  const sanitizer = createSanitizer()
  fc.assert(
    fc.property(fc.array(record, { maxLength: 20 }), fc.boolean(), (records, crlf) => {
      const lines = records.map((r) => JSON.stringify(r))
      const { ndjson, errors } = sanitizer.sanitizeNdjson(lines.join(crlf ? '\r\n' : '\n'))
      assert.deepEqual(errors, [])
      const expected = lines.map((line) => sanitizer.sanitizeJson(line) + '\n').join('')
      assert.equal(ndjson, expected)
    }),
    { numRuns: 500, seed: 0x0d1 },
  )
})

test('blank lines are skipped; malformed ones are left out and named by number, never quoted', () => {
  const sanitizer = createSanitizer()
  const input = '{"a":1}\n\n   \n{"ssn":"NEVER-123"\n{"b":2}\n'
  const { ndjson, errors } = sanitizer.sanitizeNdjson(input)
  assert.equal(ndjson, '{"a":1}\n{"b":2}\n')
  assert.equal(errors.length, 1)
  assert.equal(errors[0].line, 4)
  assert.equal(errors[0].code, 'ERR_INVALID_JSON')
  assert.ok(!errors[0].message.includes('NEVER-123'))
})

test('a Buffer in gives a Buffer out', () => {
  const { ndjson } = createSanitizer().sanitizeNdjson(Buffer.from('{"ssn":"x","a":1}\n'))
  assert.ok(Buffer.isBuffer(ndjson))
  assert.equal(ndjson.toString(), '{"a":1}\n')
})
