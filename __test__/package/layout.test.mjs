// npm test runs `node --test __test__/*/*.test.mjs`: a test file that glob misses never runs.
// Every file in a product folder must match it, and no file sits directly in __test__; helpers,
// fixtures and data (corpora) live in folders of their own, which the glob never descends into.

import test from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'

const dir = new URL('../', import.meta.url)
const GLOBS = '--test __test__/*/*.test.mjs'
// Folders that hold the tests of one product (they mirror lib/; `package` is the package as a
// whole: its manifest, typings, the manual (README.md and docs/), packing and platforms).
const PRODUCT_FOLDERS = ['cli', 'credentials', 'erasure', 'package', 'sanitize', 'webhook']
const SUPPORT_FOLDERS = ['fixtures', 'helpers']

function filesIn(url) {
  return readdirSync(url, { withFileTypes: true })
}

test('every file in __test__ and its product folders is matched by the test globs', () => {
  const misses = filesIn(dir)
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
  for (const folder of PRODUCT_FOLDERS) {
    let entries
    try {
      entries = filesIn(new URL(`./${folder}/`, dir))
    } catch {
      continue
    }
    for (const entry of entries) {
      if (entry.isFile() && !entry.name.endsWith('.test.mjs')) misses.push(`${folder}/${entry.name}`)
    }
  }
  assert.deepEqual(misses, [])
})

test('only product folders, helpers/ and fixtures/ sit beside the tests', () => {
  const folders = filesIn(dir)
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
  for (const folder of folders) {
    assert.ok([...PRODUCT_FOLDERS, ...SUPPORT_FOLDERS].includes(folder), `unexpected folder __test__/${folder}`)
  }
})

test('no helper is itself a test file the globs would skip', () => {
  const helpers = readdirSync(new URL('./helpers/', dir))
  for (const name of helpers) {
    const text = readFileSync(new URL(`./helpers/${name}`, dir), 'utf8')
    assert.ok(!/^\s*test\(/m.test(text), `${name} declares tests but is not matched by the globs`)
  }
})

test('the npm test script runs these globs on both Node versions', () => {
  const { scripts } = JSON.parse(readFileSync(new URL('../package.json', dir), 'utf8'))
  assert.equal(scripts.test.split(GLOBS).length - 1, 2, scripts.test)
})

test('tests live in product folders, none directly in __test__', () => {
  const loose = filesIn(dir)
    .filter((entry) => entry.isFile() && entry.name.endsWith('.test.mjs'))
    .map((entry) => entry.name)
  assert.deepEqual(loose, [])
  for (const folder of PRODUCT_FOLDERS) {
    assert.ok(
      filesIn(new URL(`./${folder}/`, dir)).some((entry) => entry.name.endsWith('.test.mjs')),
      folder,
    )
  }
})

test('no module of lib/ or bin/ requires the package face (index.js): imports form a tree', () => {
  const root = new URL('../../', import.meta.url)
  const offenders = []
  const walk = (url, rel) => {
    for (const entry of readdirSync(url, { withFileTypes: true })) {
      const child = new URL(entry.name + (entry.isDirectory() ? '/' : ''), url)
      if (entry.isDirectory()) walk(child, `${rel}${entry.name}/`)
      else if (/\.(c|m)?js$/.test(entry.name) && /['"](\.\.\/)+index\.(m?js)['"]/.test(readFileSync(child, 'utf8'))) {
        offenders.push(`${rel}${entry.name}`)
      }
    }
  }
  walk(new URL('lib/', root), 'lib/')
  walk(new URL('bin/', root), 'bin/')
  assert.deepEqual(offenders, [])
})
