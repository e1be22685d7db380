// The object handed to sanitizeAttributes is serialized by the client as JSON.stringify does,
// which calls its toJSON first (with the key ''): what that returns is what gets sanitized.

import { test } from 'node:test'
import assert from 'node:assert/strict'

import { createSanitizer, sanitizeAttributes } from '../../index.js'

class Profile {
  constructor() {
    this.internal = 'never sent'
  }
  toJSON(key) {
    return { key, email: 'ada@example.com', password: 'hunter2', note: 'card 4111 1111 1111 1111' }
  }
}

test('a top-level toJSON decides what is sanitized, as JSON.stringify would send it', () => {
  const input = new Profile()
  const sent = JSON.parse(JSON.stringify(input))
  assert.deepEqual(sent, { key: '', email: 'ada@example.com', password: 'hunter2', note: 'card 4111 1111 1111 1111' })
  assert.deepEqual(sanitizeAttributes(input), {
    key: '',
    email: 'ada@example.com',
    note: 'card [REDACTED:card_number]',
  })
  const { attributes, report } = createSanitizer().sanitizeWithReport(input)
  assert.deepEqual(attributes, sanitizeAttributes(input))
  assert.deepEqual(
    report.changes.map((change) => change.path),
    ['password', 'note'],
  )
})

test('a top-level toJSON that returns no object, itself, or throws is a coded error', () => {
  assert.throws(() => sanitizeAttributes({ toJSON: () => 'text' }), {
    code: 'ERR_INVALID_ATTRIBUTES',
    name: 'CustomerioSecurityTypeError',
  })
  assert.throws(() => sanitizeAttributes({ toJSON: () => [1, 2] }), { code: 'ERR_INVALID_ATTRIBUTES' })
  assert.throws(() => sanitizeAttributes({ toJSON: () => null }), { code: 'ERR_INVALID_ATTRIBUTES' })
  assert.throws(() => sanitizeAttributes(new Date(0)), { code: 'ERR_INVALID_ATTRIBUTES' })
  assert.throws(
    () =>
      sanitizeAttributes({
        toJSON() {
          return this
        },
      }),
    { code: 'ERR_CYCLE' },
  )
  const holder = {}
  holder.toJSON = () => ({ inner: holder })
  assert.throws(() => sanitizeAttributes(holder), { code: 'ERR_CYCLE' })
  assert.throws(
    () =>
      sanitizeAttributes({
        get toJSON() {
          throw new Error('ssn 123-45-6789')
        },
      }),
    (error) => error.code === 'ERR_READ_FAILED' && !error.message.includes('123-45-6789'),
  )
})
