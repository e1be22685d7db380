// npm test runs `node --test __test__/*.test.mjs`: a test file that glob misses never runs. Every
// file directly in __test__ must match it; helpers and fixtures live in their own folders.

import test from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'

const dir = new URL('./', import.meta.url)

test('every file in __test__ is matched by the test glob', () => {
  const misses = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.test.mjs'))
    .map((entry) => entry.name)
  assert.deepEqual(misses, [])
})

test('only helpers/ and fixtures/ sit beside the tests', () => {
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
  assert.deepEqual(folders, ['fixtures', 'helpers'])
})

test('no helper is itself a test file the glob would skip', () => {
  const helpers = readdirSync(new URL('./helpers/', dir))
  for (const name of helpers) {
    const text = readFileSync(new URL(`./helpers/${name}`, dir), 'utf8')
    assert.ok(!/^\s*test\(/m.test(text), `${name} declares tests but is not matched by the glob`)
  }
})

test('the npm test script runs this glob on both Node versions', () => {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', dir), 'utf8'))
  assert.equal(scripts.test.split('--test __test__/*.test.mjs').length - 1, 2, scripts.test)
})
