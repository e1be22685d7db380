// The README is the manual: it must not drift from the package. These checks read it and compare
// it with what the package really exports and does.

import test from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const pkg = require('../../index.js')
const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
// index.d.ts and every file of types/ it re-exports from (the main entry's typings, whole).
const indexTypings = readFileSync(new URL('../../index.d.ts', import.meta.url), 'utf8')
const typings = [
  indexTypings,
  ...[...indexTypings.matchAll(/from '\.\/(types\/[\w-]+)'/g)].map((m) =>
    readFileSync(new URL(`../../${m[1]}.d.ts`, import.meta.url), 'utf8'),
  ),
].join('\n')

test('the quick start gives the two commands, install first', () => {
  const quick = readme.slice(readme.indexOf('## Quick start'))
  const install = quick.indexOf('npm install')
  const run = quick.indexOf('npm test')
  assert.ok(install >= 0 && run > install, 'npm install, then npm test')
})

test('every value the typings export is documented in the README', () => {
  const names = [...typings.matchAll(/^export declare (?:function|const|class) ([A-Za-z_]+)/gm)].map((m) => m[1])
  assert.ok(names.length > 10)
  const missing = [...new Set(names)].filter((name) => !readme.includes(name))
  assert.deepEqual(missing, [])
  for (const name of names) assert.ok(name in pkg, `${name} is typed but not exported`)
})

test('the sanitize example prints what the package returns', () => {
  const example = /sanitizeAttributes\((\{[^\n]*\})\)\n\/\/ => (\{[^\n]*\})/.exec(readme)
  assert.ok(example, 'the example is in the README')
  const input = Function(`return (${example[1]})`)()
  const shown = Function(`return (${example[2]})`)()
  assert.deepEqual(pkg.sanitizeAttributes(input), shown)
})

test('every CLI command is documented', () => {
  const bin = readFileSync(new URL('../../bin/customerio-security.js', import.meta.url), 'utf8')
  const commands = [...bin.matchAll(/^\s+'?([a-z-]+)'?: \{ module:/gm)].map((m) => m[1])
  assert.ok(commands.includes('sanitize'))
  for (const command of commands) assert.ok(readme.includes(`customerio-security ${command}`), command)
})
