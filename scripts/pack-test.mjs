#!/usr/bin/env node
// Packs customerio-security as a release would (the root package plus the linux-x64-gnu
// platform package that holds the addon), installs both tarballs into a fresh project outside the
// repository on Node 20, 22 and 24, and uses the package from CommonJS, ES modules and strict
// TypeScript with Express. Prints one line per check; exits 1 if any check fails.
//
//   node scripts/pack-test.mjs [--keep] [--time-limit SECONDS]
//
// --keep leaves the temporary folder for inspection (its path is printed). The whole run is
// bounded by --time-limit (default 900 s): each command's timeout is capped by what is left.

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import {
  checkBareRequires,
  checkEntryPoints,
  checkManualPages,
  checkNoSecrets,
  checkNothingForbidden,
  checkRelativeReferences,
  checkSize,
  installTimeScripts,
} from './pack-test/contents.mjs'
import { testOnNode } from './pack-test/consumer-project.mjs'
import { findNode, findNpm } from './pack-test/nodes.mjs'
import { createReport, failure } from './pack-test/report.mjs'
import { killAll } from './pack-test/run.mjs'
import { PLATFORM, extract, npmPack, publishedRoot, stagePlatform } from './pack-test/tarballs.mjs'

const NODE_MAJORS = [20, 22, 24]

const { values: options } = parseArgs({
  options: { keep: { type: 'boolean', default: false }, 'time-limit': { type: 'string', default: '900' } },
})
const timeLimit = Number(options['time-limit'])
if (!(timeLimit > 0)) {
  console.error('pack-test: --time-limit must be a positive number of seconds')
  process.exit(2)
}

const root = fileURLToPath(new URL('..', import.meta.url))
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const report = createReport()
const tmp = mkdtempSync(join(tmpdir(), `${pkg.name}-pack-`))

let cleaned = false
function cleanup() {
  if (cleaned) return
  cleaned = true
  killAll()
  if (options.keep) report.info(`pack-test: kept ${tmp}`)
  else rmSync(tmp, { recursive: true, force: true })
}

// A reader that goes away (`| head`) must not kill the run before it removes its folder.
process.stdout.on('error', () => {})
process.on('exit', cleanup)

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    report.info(`pack-test: interrupted by ${signal}`)
    cleanup()
    process.exit(1)
  })
}

/** Versions of the consumer's dependencies: the ones the repository tests with (and npm cached). */
function consumerDeps() {
  const version = (dir) => JSON.parse(readFileSync(join(root, 'node_modules', dir, 'package.json'), 'utf8')).version
  return {
    express: version('express5'),
    '@types/express': version('@types/express'),
    '@types/node': version('@types/node'),
  }
}

async function setup(ctx) {
  await report.step('setup', `fresh project folder outside the repository: ${tmp}`, () => {
    const inside = relative(root, tmp)
    if (!inside.startsWith('..')) throw failure(`${tmp} is inside the repository`)
    // Node resolves packages up the folder tree: a node_modules above the project would leak in.
    for (let dir = dirname(tmp); ; dir = dirname(dir)) {
      if (readdirSync(dir).includes('node_modules'))
        throw failure(`${join(dir, 'node_modules')} would be visible to the project`)
      if (dirname(dir) === dir) break
    }
  })
  for (const major of NODE_MAJORS) {
    await report.step('setup', `Node ${major}`, async () => {
      const node = await findNode(root, major, ctx.deadline)
      ctx.nodes.push(node)
      return `${node.version} at ${node.bin}`
    })
  }
  ctx.node20 = ctx.nodes.find((node) => node.major === 20)
  await report.step('setup', 'npm, TypeScript and the consumer dependencies from this repository', () => {
    ctx.npm = findNpm()
    ctx.deps = consumerDeps()
    ctx.tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    readFileSync(ctx.tsc)
    // The oracle for sanitizeAttributes: the repository's own copy on the same input.
    ctx.expectedSanitized = createRequire(import.meta.url)('../index.js').sanitizeAttributes(ctx.fixture.attributes)
    return `${ctx.npm.npmCli}; ${Object.entries(ctx.deps)
      .map(([name, v]) => `${name}@${v}`)
      .join(', ')}`
  })
  return ctx.node20 !== undefined && ctx.npm !== undefined && ctx.deps !== undefined
}

async function pack(ctx) {
  let packed
  const made = await report.step(
    'pack',
    'npm pack of the root package (its prepack strips scripts.prepare; nothing is rebuilt)',
    async () => {
      packed = await npmPack(ctx, root, join(ctx.tmp, 'packed'), { scripts: true })
      return packed.info.filename
    },
  )
  if (!made) return null
  const unpacked = await extract(ctx, packed.tarball, join(ctx.tmp, 'unpacked'))
  await report.step('pack', 'has the entry points', () => checkEntryPoints(packed.files, pkg))
  await report.step('pack', 'holds nothing that should stay in the repository', () =>
    checkNothingForbidden(packed.files),
  )
  await report.step('pack', 'size', () => checkSize(packed.info))
  await report.step('pack', 'relative requires and imports resolve inside the tarball', () =>
    checkRelativeReferences(unpacked, packed.files),
  )
  await report.step('pack', 'the README and its pages of docs/ are packed, their links resolve', () =>
    checkManualPages(unpacked, packed.files),
  )
  await report.step('pack', 'every package it loads is declared', () => checkBareRequires(unpacked, packed.files, pkg))
  await report.step('pack', 'no secret-shaped content', () => checkNoSecrets(unpacked, packed.files))
  await report.step('pack', 'the packed manifest has no install-time script (prepare, install...)', () => {
    const packedManifest = JSON.parse(readFileSync(join(unpacked, 'package.json'), 'utf8'))
    const scripts = installTimeScripts(packedManifest)
    if (scripts.length)
      throw failure(
        `the packed manifest keeps ${scripts.join(', ')}: npm 11 lists it to every installer as an install script`,
      )
    if (installTimeScripts(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))).length === 0)
      throw failure('the repository lost its prepare script (postpack did not restore package.json)')
    return 'scripts.prepare stripped by prepack, restored by postpack'
  })
  if (pkg.license && !packed.files.some((file) => /^licen[cs]e/i.test(file)))
    report.warn('pack', `"license": "${pkg.license}" but no LICENSE file is published`)

  let platform
  const platformName = `${pkg.name}-${PLATFORM}`
  const staged = await report.step(
    'pack',
    `platform package ${platformName}: napi artifacts, then npm pack`,
    async () => {
      const stage = await stagePlatform(ctx)
      ctx.addon = stage.addon
      ctx.addonBytes = stage.builtBytes
      platform = await npmPack(ctx, stage.dir, join(ctx.tmp, 'publish'))
      const manifest = JSON.parse(readFileSync(join(stage.dir, 'package.json'), 'utf8'))
      const files = [...platform.files].sort()
      const want = ['LICENSE', 'README.md', stage.addon, 'package.json'].sort()
      if (JSON.stringify(files) !== JSON.stringify(want))
        throw failure(`holds ${files.join(', ')}; expected ${want.join(', ')}`)
      if (manifest.name !== platformName || manifest.version !== pkg.version)
        throw failure(`is ${manifest.name}@${manifest.version}, expected ${platformName}@${pkg.version}`)
      if (manifest.main !== stage.addon) throw failure(`main is ${manifest.main}, expected ${stage.addon}`)
      const addon = platform.info.files.find((file) => file.path === stage.addon)
      if (addon.size !== stage.builtBytes) throw failure('the packed addon is not the built one')
      return `${platform.info.filename}, ${(platform.info.size / 1e6).toFixed(2)} MB packed`
    },
  )
  let published
  const rewritten = await report.step(
    'pack',
    'root package as napi prepublish publishes it (optionalDependencies)',
    async () => {
      published = await publishedRoot(ctx, packed.tarball, platformName)
      return `optionalDependencies: ${platformName}@${pkg.version}`
    },
  )
  return staged && rewritten ? { root: published.tarball, platform: platform.tarball } : null
}

async function main() {
  const ctx = {
    root,
    pkg,
    tmp,
    deadline: Date.now() + timeLimit * 1000,
    nodes: [],
    platform: PLATFORM,
    consumerDir: fileURLToPath(new URL('./pack-test/consumer/', import.meta.url)),
  }
  ctx.fixture = JSON.parse(readFileSync(join(ctx.consumerDir, 'fixture.json'), 'utf8'))
  report.info(
    `pack-test: ${pkg.name}@${pkg.version}, engines.node ${JSON.stringify(pkg.engines?.node)}, Node ${NODE_MAJORS.join(', ')}`,
  )
  if (!(await setup(ctx))) {
    report.skipped('pack', 'packing and installing', 'the setup failed')
    return
  }
  const tarballs = await pack(ctx)
  for (const node of ctx.nodes) {
    if (tarballs) await testOnNode(ctx, report, node, tarballs)
    else report.skipped(`node ${node.major}`, 'install and use', 'packing failed')
  }
}

try {
  await main()
} catch (error) {
  // A bug in this script, not a finding about the package: still a failure.
  await report.step('pack-test', 'ran to the end', () => {
    throw error
  })
} finally {
  cleanup()
}
report.summary()
process.exitCode = report.failed === 0 ? 0 : 1
