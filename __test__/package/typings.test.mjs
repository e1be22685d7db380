// index.d.ts as a strict TypeScript user meets it: a consumer that imports 'customerio-security'
// by name (resolved through package.json "exports", see fixtures/tsconfig.json), uses every
// export, and marks misuse with @ts-expect-error, must compile with tsc --strict.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
const FIXTURES = join(ROOT, '__test__', 'fixtures')

function tsc(args) {
  // The current Node runs tsc, so the suite checks the same way under Node 20 and Node 22.
  const run = spawnSync(process.execPath, [TSC, '--pretty', 'false', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // A guard against a hung compiler, not a performance assertion.
    timeout: 300_000,
  })
  assert.equal(run.error, undefined, `tsc did not run: ${run.error}`)
  return { status: run.status, output: `${run.stdout}${run.stderr}` }
}

test('a strict consumer of every export compiles, and every @ts-expect-error is an error', () => {
  const { status, output } = tsc(['-p', join(FIXTURES, 'tsconfig.json'), '--strict', '--noEmit', '--listFiles'])
  assert.equal(status, 0, `tsc --strict --noEmit failed:\n${output}`)
  // --listFiles proves the package's own typings were the ones checked (not a stale copy).
  const files = output.split('\n').map((line) => line.trim())
  for (const file of ['index.d.ts', join('types', 'events.d.ts'), join('__test__', 'fixtures', 'consumer.ts')]) {
    assert.ok(files.includes(join(ROOT, file)), `tsc did not read ${file}:\n${output}`)
  }
})

test('the events namespace is typed as type-only, as it has no runtime value', () => {
  const { status, output } = tsc([
    '--strict',
    '--noEmit',
    '--target',
    'es2022',
    '--module',
    'nodenext',
    '--moduleResolution',
    'nodenext',
    '--types',
    'node',
    join(FIXTURES, 'consumer-events-value.ts'),
  ])
  assert.equal(status, 0, `tsc --strict --noEmit failed:\n${output}`)
})
