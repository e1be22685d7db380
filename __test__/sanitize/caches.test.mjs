// The walker caches a decision per key and compiled builders per shape (set of keys). Keys come
// from the input, so both caches are bounded in size, not only in entries: a stream of huge,
// distinct attribute names must not pile up in the heap. Measured with a full GC before each
// reading (exposed here through V8's flag), no timing involved.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { createSanitizer, sanitizeAttributes } from '../../index.js'
import { sha256Hex } from '../helpers/sanitize-reference.mjs'

const require = createRequire(import.meta.url)
const { ShapeCache } = require('../../lib/sanitize/shapes.js')

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc')

const KEY_CHARS = 512 * 1024
const KEYS = 200
const FILLER = 'x'.repeat(KEY_CHARS - 8)

/** The i-th huge name: distinct, one byte per character, no rule matches it. */
function hugeKey(i) {
  return String(i).padStart(8, '0') + FILLER
}

function heapAfterGc() {
  gc()
  gc()
  return process.memoryUsage().heapUsed
}

test(`${KEYS} distinct ${KEY_CHARS / 1024} KiB attribute names leave the heap as it was (caches bounded in size)`, () => {
  const withReport = createSanitizer()
  // Warm up: the default sanitizer exists, code is compiled, small keys are cached as usual.
  for (let i = 0; i < 3; i++) {
    sanitizeAttributes({ plan: 'pro', email: 'jo@example.com' })
    withReport.sanitizeWithReport({ plan: 'pro' })
  }
  const before = heapAfterGc()
  for (let i = 0; i < KEYS; i++) {
    const input = { [hugeKey(i)]: 'v', plan: 'pro' }
    // Twice: the second sighting of a shape is when it would be compiled.
    for (let round = 0; round < 2; round++) {
      const output = sanitizeAttributes(input)
      assert.deepEqual(Object.keys(output).length, 2)
      assert.equal(withReport.sanitizeWithReport(input).attributes.plan, 'pro')
    }
  }
  const grown = heapAfterGc() - before
  // One key is 512 KiB; keeping them would be 100 MiB in the decision cache alone.
  const bound = 8 * KEY_CHARS
  assert.ok(
    grown < bound,
    `the heap grew by ${(grown / 2 ** 20).toFixed(1)} MiB over ${KEYS} calls (bound ${bound / 2 ** 20} MiB)`,
  )
})

test('a shape of many long names is sanitized the same on every call (walked, never compiled)', () => {
  // 300 names of 1,000 characters (300,000 in all): over the per-shape budget, so never cached.
  const input = {}
  for (let i = 0; i < 300; i++) input[`${String(i).padStart(4, '0')}_${'n'.repeat(995)}`] = i
  input.ssn = '123-45-6789'
  input.phone = '+15550100'
  const sanitizer = createSanitizer()
  const first = sanitizer.sanitize(input)
  const again = sanitizer.sanitize(input)
  const third = sanitizer.sanitize(input)
  assert.deepEqual(again, first)
  assert.deepEqual(third, first)
  assert.deepEqual(sanitizer.sanitizeWithReport(input).attributes, first)
  assert.equal(Object.keys(first).length, 301)
  assert.ok(!('ssn' in first))
  assert.equal(first.phone_hash, sha256Hex('+15550100', 16))
  assert.equal(first[`0299_${'n'.repeat(995)}`], 299)
})

test('the shape cache compiles a repeated shape of ordinary names, never one of huge names', () => {
  const compiled = []
  const cache = new ShapeCache((keys) => {
    compiled.push(keys.length)
    return () => 'built'
  })
  const ordinary = Array.from({ length: 300 }, (_, i) => `attribute_${i}`)
  assert.equal(cache.builder(ordinary), null)
  assert.equal(typeof cache.builder(ordinary), 'function', 'compiled on the second sighting')
  const huge = [hugeKey(1)]
  const manyLong = Array.from({ length: 100 }, (_, i) => `${i}_${'n'.repeat(1000)}`)
  for (const keys of [huge, manyLong]) {
    for (let round = 0; round < 5; round++) assert.equal(cache.builder(keys), null)
  }
  assert.deepEqual(compiled, [300])
  // Neither was kept as an entry: the ordinary shape is still the only one.
  assert.equal(cache.entries.length, 1)
})
