// When no native addon loads, require('customerio-security') throws one error that says what this
// platform is, which platforms have an addon, and what to do; napi's loader error stays its cause.
// Tested on copies of the package without the .node file (as an install that skipped the optional
// platform package looks), with a broken platform package, and with the build-from-source fix.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const require = createRequire(import.meta.url)
const { detectLibc, nativeLoadError, platformName } = require('../../lib/native/load-error.js')
const manifest = require('../../package.json')
const HERE = platformName(process.platform, process.arch, detectLibc(process.platform))
const ADDON = join(ROOT, `customerio-security.${HERE}.node`)

// The package's JS files, without any .node file and without node_modules above it.
function packageWithoutAddon(t) {
  const dir = mkdtempSync(join(tmpdir(), 'cios-no-addon-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const pkg = join(dir, 'node_modules', 'customerio-security')
  mkdirSync(pkg, { recursive: true })
  for (const entry of ['index.js', 'index.mjs', 'index.d.ts', 'binding.js', 'package.json', 'lib', 'types']) {
    cpSync(join(ROOT, entry), join(pkg, entry), { recursive: true })
  }
  return { dir, pkg }
}

// Requires the package in a child process and reports the error as JSON (message, code, causes),
// or that it loaded and verified a signed delivery.
function load(dir, env = {}) {
  const script = `
    try {
      const { signWebhook, verifyWebhook } = require('customerio-security')
      const body = '{"event_id":"x"}'
      const headers = signWebhook(body, 'whsec_test', { timestamp: 1700000000 })
      const result = verifyWebhook({ body, signature: headers['x-cio-signature'], timestamp: headers['x-cio-timestamp'], secret: 'whsec_test', now: 1700000000 })
      console.log(JSON.stringify({ loaded: true, valid: result.valid }))
    } catch (error) {
      const causes = []
      for (let c = error.cause; c; c = c.cause) causes.push(String(c.message))
      console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message, causes }))
    }
  `
  const run = spawnSync(process.execPath, ['-e', script], { cwd: dir, env: childEnv(env), encoding: 'utf8' })
  assert.equal(run.status, 0, run.stderr)
  return JSON.parse(run.stdout.trim().split('\n').at(-1))
}

function childEnv(env) {
  const result = { ...process.env, ...env }
  delete result.NODE_PATH
  if (!('NAPI_RS_NATIVE_LIBRARY_PATH' in env)) delete result.NAPI_RS_NATIVE_LIBRARY_PATH
  return result
}

function assertSaysWhatToDo(report) {
  assert.equal(report.name, 'CustomerioSecurityError')
  assert.equal(report.code, 'ERR_NATIVE_ADDON_NOT_FOUND')
  const { message } = report
  assert.match(message, /^customerio-security: no native addon loaded for /)
  // Platform, arch, libc and Node version.
  assert.ok(message.includes(`platform ${process.platform}, arch ${process.arch}`), message)
  assert.ok(message.includes(detectLibc(process.platform).description), message)
  assert.ok(message.includes(`Node ${process.versions.node}`), message)
  // The supported list is the release's target list.
  const supported = message.match(/^Prebuilt addons: (.*)\.$/m)[1].split(', ')
  assert.ok(supported.length === manifest.napi.targets.length, message)
  assert.ok(supported.includes('linux-x64-gnu'), message)
  // The fixes: the package by name, npm's flag, and building with cargo.
  assert.ok(message.includes(`customerio-security-${HERE}@${manifest.version}`), message)
  assert.ok(message.includes('npm install --include=optional'), message)
  assert.match(message, /cargo/)
  assert.match(message, /NAPI_RS_NATIVE_LIBRARY_PATH/)
}

test('a package without its addon throws one error that names the platform and the fix', (t) => {
  const { dir } = packageWithoutAddon(t)
  const report = load(dir)
  assertSaysWhatToDo(report)
  // napi's own error and every attempt it made are kept as the cause chain.
  assert.match(report.causes[0], /^Cannot find native binding/)
  assert.ok(
    report.causes.some((cause) => cause.includes(`Cannot find module './customerio-security.${HERE}.node'`)),
    report.causes.join('\n'),
  )
  assert.ok(
    report.causes.some((cause) => cause.includes(`Cannot find module 'customerio-security-${HERE}'`)),
    report.causes.join('\n'),
  )
})

test('an ES module import gets the same error', (t) => {
  const { dir } = packageWithoutAddon(t)
  // Uncaught, as an application's static import meets it: Node prints it and exits with 1.
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', "import 'customerio-security'"], {
    cwd: dir,
    env: childEnv({}),
    encoding: 'utf8',
  })
  assert.equal(run.status, 1)
  assert.match(run.stderr, /CustomerioSecurityError: customerio-security: no native addon loaded for /)
  assert.match(run.stderr, /code: 'ERR_NATIVE_ADDON_NOT_FOUND'/)
  assert.ok(run.stderr.includes('npm install --include=optional'), run.stderr)
})

test('the build-from-source fix the message gives works: NAPI_RS_NATIVE_LIBRARY_PATH to a built addon', (t) => {
  const { dir } = packageWithoutAddon(t)
  const report = load(dir, { NAPI_RS_NATIVE_LIBRARY_PATH: ADDON })
  assert.deepEqual(report, { loaded: true, valid: true })
})

test("an installed platform package whose addon does not load is named, with the loader's reason", (t) => {
  const { dir } = packageWithoutAddon(t)
  // The platform package as npm would install it, holding a file that is not a shared object.
  const platformPkg = join(dir, 'node_modules', `customerio-security-${HERE}`)
  mkdirSync(platformPkg)
  const file = `customerio-security.${HERE}.node`
  writeFileSync(
    join(platformPkg, 'package.json'),
    JSON.stringify({ name: `customerio-security-${HERE}`, version: manifest.version, main: file }),
  )
  writeFileSync(join(platformPkg, file), 'not a shared object\n')
  const report = load(dir)
  assert.equal(report.code, 'ERR_NATIVE_ADDON_NOT_FOUND')
  const line = report.message
    .split('\n')
    .find((text) => text.includes(`The addon for ${HERE} is there but did not load: `))
  assert.ok(line, report.message)
  // The dynamic loader's own words (glibc: "invalid ELF header"; others: their equivalent).
  const dlopen = report.causes.find((cause) => cause.includes(platformPkg) && !cause.startsWith('Cannot find module'))
  assert.ok(dlopen, report.causes.join('\n'))
  assert.ok(line.endsWith(dlopen.split('\n')[0]), `${line}\n${dlopen}`)
})

test("an addon file beside the loader that does not load (older glibc, other arch) gets the loader's reason", (t) => {
  const { dir, pkg } = packageWithoutAddon(t)
  writeFileSync(join(pkg, `customerio-security.${HERE}.node`), Buffer.from('\x7fELF truncated'))
  const report = load(dir)
  assert.equal(report.code, 'ERR_NATIVE_ADDON_NOT_FOUND')
  const line = report.message
    .split('\n')
    .find((text) => text.includes(`The addon for ${HERE} is there but did not load: `))
  assert.ok(line, report.message)
  assert.ok(line.includes(join(pkg, `customerio-security.${HERE}.node`)), line)
  assert.doesNotMatch(report.message, /which is not installed/)
})

test('a platform without a prebuilt addon is told to build from source', () => {
  const cause = new Error('Cannot find native binding.')
  const error = nativeLoadError(cause, { platform: 'freebsd', arch: 'x64', node: '22.0.0', napi: '9' })
  assert.equal(error.code, 'ERR_NATIVE_ADDON_NOT_FOUND')
  assert.equal(error.cause, cause)
  assert.equal(error.platform, 'freebsd-x64')
  assert.match(error.message, /There is no prebuilt addon for freebsd-x64\. Fix: build it from source: .*cargo/)
  assert.doesNotMatch(error.message, /--include=optional/)
})

test('musl and glibc Linux are told apart (Alpine gets the musl package)', () => {
  // Alpine's Node: no glibc in the report, /usr/bin/ldd is musl's.
  const musl = detectLibc(
    'linux',
    () => ({ header: {} }),
    () => 'exec /lib/ld-musl-x86_64.so.1 --list "$@"\n',
  )
  assert.deepEqual(musl, { family: 'musl', description: 'musl' })
  // Deno on glibc: its report has no glibc field (and needs --allow-sys); ldd is glibc's script.
  const denoReport = () => {
    throw new Error('Requires sys access')
  }
  assert.equal(
    detectLibc('linux', denoReport, () => 'ldd (GNU libc)\n# The GNU C Library is free software').family,
    'glibc',
  )
  assert.equal(
    detectLibc('linux', denoReport, () => {
      throw new Error('ENOENT')
    }).family,
    'unknown',
  )
  assert.equal(platformName('linux', 'arm64', musl), 'linux-arm64-musl')
  const glibc = detectLibc('linux', () => ({ header: { glibcVersionRuntime: '2.17' } }))
  assert.equal(glibc.description, 'glibc 2.17')
  assert.equal(platformName('linux', 'x64', glibc), 'linux-x64-gnu')
  const targets = ['x86_64-unknown-linux-gnu', 'x86_64-unknown-linux-musl']
  const error = nativeLoadError(new Error('x'), {
    platform: 'linux',
    arch: 'x64',
    libc: musl,
    targets,
    installed: () => false,
    node: '20.0.0',
    napi: '9',
  })
  assert.match(error.message, /optional dependency customerio-security-linux-x64-musl@/)
  assert.equal(platformName('win32', 'arm64', detectLibc('win32')), 'win32-arm64-msvc')
  assert.equal(platformName('darwin', 'arm64', detectLibc('darwin')), 'darwin-arm64')
})

test('the names the message uses are the names `napi create-npm-dirs` gives the platform packages', () => {
  // npm/<name>/package.json for each target, made by the napi CLI (package.json napi.targets).
  const names = readdirSync(join(ROOT, 'npm'))
    .map((dir) => require(join(ROOT, 'npm', dir, 'package.json')).name)
    .sort()
  const { TARGET_NAMES } = require('../../lib/native/load-error.js')
  const expected = manifest.napi.targets.map((triple) => `customerio-security-${TARGET_NAMES[triple] ?? triple}`).sort()
  assert.deepEqual(names, expected)
})

test('docs/platforms.md shows the message as the package writes it', () => {
  const page = readFileSync(join(ROOT, 'docs', 'platforms.md'), 'utf8')
  const section = page.slice(page.indexOf('## When no addon loads'))
  const shown = /```text\n(customerio-security: no native addon[\s\S]*?)\n```/.exec(section)
  assert.ok(shown, 'the section "When no addon loads" shows the error')
  // The page's example: Linux x64 with glibc 2.36, Node 20.20.2, the platform package left out.
  const error = nativeLoadError(new Error('Cannot find native binding.'), {
    platform: 'linux',
    arch: 'x64',
    libc: { family: 'glibc', description: 'glibc 2.36' },
    node: '20.20.2',
    napi: '9',
    installed: () => false,
  })
  assert.equal(shown[1], error.message)
})
