// The bundler recipes of docs/platforms.md, each run for real: esbuild with the package left external, esbuild
// bundling it with the addon copied beside the bundle, and @vercel/nft (the file tracer of
// serverless deploys) finding the addon. And the trap the recipes avoid: a plain bundle fails.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const ESBUILD = path.join(ROOT, 'node_modules/.bin/esbuild')

const APP = `import { sanitizeAttributes, signWebhook, verifyWebhook } from 'customerio-security'
const headers = signWebhook('{}', 'bundled-secret')
const verified = verifyWebhook({ body: '{}', secret: 'bundled-secret', signature: headers['x-cio-signature'], timestamp: headers['x-cio-timestamp'] })
console.log(JSON.stringify({ valid: verified.valid, sanitized: sanitizeAttributes({ ssn: '123-45-6789', plan: 'pro' }) }))
`
const EXPECTED = { valid: true, sanitized: { plan: 'pro' } }

/** A project outside the repository with the package installed (linked) and the app. */
function project(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cio-bundle-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(path.join(dir, 'node_modules'))
  symlinkSync(ROOT, path.join(dir, 'node_modules/customerio-security'), 'dir')
  writeFileSync(path.join(dir, 'app.mjs'), APP)
  return dir
}

function esbuild(dir, args) {
  return spawnSync(ESBUILD, ['app.mjs', '--bundle', '--platform=node', ...args], { cwd: dir, encoding: 'utf8' })
}

/** Runs the bundle from a folder with no node_modules beside it, unless `cwd` has them. */
function runs(file, cwd) {
  return JSON.parse(execFileSync(process.execPath, [file], { cwd, encoding: 'utf8' }))
}

test('esbuild --packages=external: the bundle loads the installed package and its addon', (t) => {
  const dir = project(t)
  const built = esbuild(dir, ['--format=esm', '--packages=external', '--outfile=dist/app.mjs'])
  assert.equal(built.status, 0, built.stderr)
  assert.deepEqual(runs(path.join(dir, 'dist/app.mjs'), dir), EXPECTED)
})

test('esbuild bundling the package: the addon copied beside the bundle with --loader:.node=copy', (t) => {
  const dir = project(t)
  // The trap: without a loader for .node files esbuild refuses (the error people meet).
  const plain = esbuild(dir, ['--format=cjs', '--outfile=plain/app.cjs'])
  assert.notEqual(plain.status, 0)
  assert.match(plain.stderr, /No loader is configured for "\.node" files/)
  const built = esbuild(dir, [
    '--format=cjs',
    '--loader:.node=copy',
    '--external:customerio-security-*',
    '--external:@napi-rs/*',
    '--outfile=dist/app.cjs',
  ])
  assert.equal(built.status, 0, built.stderr)
  assert.ok(
    readdirSync(path.join(dir, 'dist')).some((name) => name.endsWith('.node')),
    'the addon sits beside the bundle',
  )
  // Moved away from node_modules, the bundle still works: it carries its addon.
  const alone = mkdtempSync(path.join(os.tmpdir(), 'cio-bundle-alone-'))
  t.after(() => rmSync(alone, { recursive: true, force: true }))
  for (const name of readdirSync(path.join(dir, 'dist'))) {
    copyFileSync(path.join(dir, 'dist', name), path.join(alone, name))
  }
  assert.deepEqual(runs(path.join(alone, 'app.cjs'), alone), EXPECTED)
})

test('@vercel/nft (what serverless deploys trace files with) includes the addon', async (t) => {
  const dir = project(t)
  const { nodeFileTrace } = require('@vercel/nft')
  const { fileList } = await nodeFileTrace([path.join(dir, 'app.mjs')], { base: '/' })
  const traced = [...fileList].map((file) => `/${file}`)
  assert.ok(
    traced.some((file) => file.endsWith('.linux-x64-gnu.node')),
    'the .node file is in the traced list',
  )
  assert.ok(traced.some((file) => file.endsWith('/binding.js')))
})
