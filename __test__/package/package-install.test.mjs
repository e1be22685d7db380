// The package as a user gets it: scripts/pack-test.mjs packs the root and the platform tarball
// as a release does, installs them into fresh projects outside the repository, and uses them from
// CommonJS, ES modules and strict TypeScript with Express, on Node 20, 22 and 24. The script
// drives all three Node versions itself, so the suite runs it once, under Node 20.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const MAJOR = Number(process.versions.node.split('.')[0])
const SCRIPT = fileURLToPath(new URL('../../scripts/pack-test.mjs', import.meta.url))
// The script bounds itself; the test's own timeout only guards against the script hanging.
const TIME_LIMIT_SECONDS = 900

function runScript() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SCRIPT, '--time-limit', String(TIME_LIMIT_SECONDS)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk) => (output += chunk))
    child.stderr.on('data', (chunk) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, output }))
  })
}

test('the packed package installs and works from CommonJS, ESM and strict TypeScript on Node 20, 22 and 24', {
  skip:
    MAJOR !== 20 &&
    `scripts/pack-test.mjs drives Node 20, 22 and 24 itself, so it runs once, in the Node 20 suite (this is Node ${MAJOR})`,
  timeout: (TIME_LIMIT_SECONDS + 60) * 1000,
}, async (t) => {
  const { code, output } = await runScript()
  assert.equal(code, 0, `scripts/pack-test.mjs failed:\n${output}`)
  // Exit 0 must mean every consumer really ran on every Node, not that steps were left out.
  for (const major of [20, 22, 24]) {
    for (const format of ['cjs', 'esm', 'ts-cjs', 'ts-esm']) {
      assert.match(
        output,
        new RegExp(`^\\[node ${major}\\] ok +${format}: .*signed 200, forged 401`, 'm'),
        `no passing ${format} consumer on Node ${major}:\n${output}`,
      )
    }
    assert.match(output, new RegExp(`^\\[node ${major}\\] ok +npx customerio-security --version`, 'm'), output)
  }
  assert.match(output, /^\[pack\] ok +holds nothing that should stay in the repository/m, output)
  const verdict = output.trim().split('\n').at(-1)
  assert.match(verdict, /^pack-test: all \d+ checks passed/, output)
  t.diagnostic(verdict)
})
