// Bun and Deno (dev dependencies, from npm) load the native addon through their Node-API and run
// the smoke script (__test__/helpers/runtime-smoke.mjs): verify, sanitize, and the Express
// middleware over real HTTP. Each runtime's results must equal Node's, and Node's the expected ones.
// A runtime is skipped only when its binary cannot run on this machine (say, a glibc build on
// Alpine), with the reason; a runtime that runs and disagrees fails.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const SMOKE = fileURLToPath(new URL('../helpers/runtime-smoke.mjs', import.meta.url))
const BIN = `${ROOT}node_modules/.bin/`

// Deno's permissions, as few as the package needs: the addon (ffi), reading it and node_modules,
// the environment, and loopback for the Express test.
const RUNTIMES = {
  bun: { command: `${BIN}bun`, args: [SMOKE] },
  deno: {
    command: `${BIN}deno`,
    args: ['run', '--allow-read', '--allow-env', '--allow-ffi', '--allow-net=127.0.0.1', SMOKE],
  },
}
const ENV = { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' }

function run(command, args) {
  return spawnSync(command, args, { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 60_000 })
}

function results(runResult, who) {
  assert.equal(runResult.error, undefined, `${who}: ${runResult.error}`)
  assert.equal(runResult.status, 0, `${who} exited ${runResult.status}:\n${runResult.stderr}`)
  return JSON.parse(runResult.stdout.trim().split('\n').at(-1))
}

// Why a runtime cannot run here, or null when it can (its --version answers).
function cannotRun(name) {
  const { command } = RUNTIMES[name]
  if (!existsSync(command)) return null // not installed: a failure below, not a skip (npm install adds it)
  const probe = spawnSync(command, ['--version'], { env: ENV, encoding: 'utf8', timeout: 30_000 })
  if (probe.error) return `${name} cannot start here (${probe.error.code ?? probe.error.message})`
  if (probe.status !== 0) return `${name} --version exited ${probe.status} here: ${probe.stderr.trim().split('\n')[0]}`
  return null
}

const node = results(run(process.execPath, [SMOKE]), 'node')

test('Node gives the expected results (the reference for the other runtimes)', () => {
  assert.deepEqual(node.verify.signed, { valid: true, secretIndex: 0, timestamp: 1_700_000_000 })
  assert.deepEqual(node.verify.forged, { valid: false, reason: 'SIGNATURE_MISMATCH' })
  assert.deepEqual(node.verify.stale, { valid: false, reason: 'TIMESTAMP_TOO_OLD' })
  assert.equal(node.sanitize.email, 'jane@example.com')
  assert.equal(node.sanitize.plan, 'pro')
  assert.match(node.sanitize.phone_hash, /^[0-9a-f]{16}$/)
  for (const gone of ['ssn', 'password', 'phone']) assert.ok(!(gone in node.sanitize), gone)
  assert.ok(!JSON.stringify(node.sanitize).includes('4111'), JSON.stringify(node.sanitize))
  assert.deepEqual(node.express.signed, { status: 200, body: { received: '01HRUNTIME' } })
  assert.deepEqual(node.express.forged, { status: 401, body: { error: 'SIGNATURE_MISMATCH' } })
})

for (const name of Object.keys(RUNTIMES)) {
  const reason = cannotRun(name)
  test(`${name}: verify, sanitize and the Express middleware give Node's results`, { skip: reason ?? false }, () => {
    const { command, args } = RUNTIMES[name]
    assert.ok(existsSync(command), `${command} is missing: npm install (${name} is a dev dependency)`)
    const version = spawnSync(command, ['--version'], { env: ENV, encoding: 'utf8' }).stdout.trim().split('\n')[0]
    assert.deepEqual(results(run(command, args), `${name} (${version})`), node)
  })
}
