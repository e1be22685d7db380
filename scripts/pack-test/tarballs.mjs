// Makes the two tarballs a release publishes, without the network: the root package as
// `npm pack` makes it, and the platform package (npm/linux-x64-gnu plus the built addon, staged
// by `napi artifacts`), then the root package as `napi prepublish` rewrites it (its
// optionalDependencies name the platform package).

import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { failure } from './report.mjs'
import { cleanEnv, run, tail, whyFailed } from './run.mjs'

// The platform whose package this test stages and installs (the one this machine builds), as napi
// names it, and its Rust target. The release builds the other targets in package.json
// "napi.targets" on their own runners (.github/workflows/release.yml).
export const PLATFORM = 'linux-x64-gnu'
const PLATFORM_TARGET = 'x86_64-unknown-linux-gnu'

async function ok(result, what) {
  const why = whyFailed(result)
  if (why) throw failure(`${what}: ${why}`, tail(result))
  return result
}

/** `npm pack --json` in `dir` into `dest`; resolves to npm's description of the tarball plus its path. */
export async function npmPack(ctx, dir, dest, { scripts = false } = {}) {
  mkdirSync(dest, { recursive: true })
  // The repository's own root is packed with its scripts, as `npm publish` packs it: its prepack
  // strips "prepare" (`npm run build`, cargo) from the manifest, so nothing is rebuilt and the
  // packed manifest has no install-time script. Staged copies are packed with --ignore-scripts.
  const args = [ctx.npm.npmCli, 'pack', ...(scripts ? [] : ['--ignore-scripts']), '--json', '--pack-destination', dest]
  const result = await ok(
    await run(ctx.node20.bin, args, {
      cwd: dir,
      env: cleanEnv(ctx.node20.bin),
      timeoutMs: 120_000,
      deadline: ctx.deadline,
    }),
    'npm pack',
  )
  const [info] = JSON.parse(result.stdout)
  return { info, tarball: join(dest, info.filename), files: info.files.map((file) => file.path) }
}

export async function extract(ctx, tarball, dest) {
  mkdirSync(dest, { recursive: true })
  await ok(
    await run('tar', ['-xzf', tarball, '-C', dest], { env: process.env, timeoutMs: 60_000, deadline: ctx.deadline }),
    'tar',
  )
  return join(dest, 'package')
}

/** The platform package's folder, staged with the addon by `napi artifacts` as a release does. */
export async function stagePlatform(ctx) {
  const addon = `${ctx.pkg.napi.binaryName}.${PLATFORM}.node`
  const built = join(ctx.root, addon)
  if (!existsSync(built)) throw failure(`${addon} is not built (npm run build)`)
  const stage = join(ctx.tmp, 'napi-stage')
  mkdirSync(join(stage, 'artifacts'), { recursive: true })
  // napi refuses paths outside its project, so the stage is a small project of its own, releasing
  // this one platform (napi artifacts fails when a configured target's artifact is missing).
  const manifest = JSON.parse(readFileSync(join(ctx.root, 'package.json'), 'utf8'))
  manifest.napi = { ...manifest.napi, targets: [PLATFORM_TARGET] }
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  cpSync(join(ctx.root, 'npm', PLATFORM), join(stage, 'npm', PLATFORM), { recursive: true })
  copyFileSync(built, join(stage, 'artifacts', addon))
  const napi = join(ctx.root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  const args = [
    napi,
    'artifacts',
    '--cwd',
    stage,
    '--output-dir',
    join(stage, 'artifacts'),
    '--npm-dir',
    join(stage, 'npm'),
  ]
  await ok(
    await run(ctx.node20.bin, args, {
      cwd: stage,
      env: cleanEnv(ctx.node20.bin),
      timeoutMs: 60_000,
      deadline: ctx.deadline,
    }),
    'napi artifacts',
  )
  const dir = join(stage, 'npm', PLATFORM)
  if (!existsSync(join(dir, addon))) throw failure(`napi artifacts did not put ${addon} into npm/${PLATFORM}`)
  return { dir, addon, builtBytes: readFileSync(built).length }
}

/** The root package as published: `napi prepublish` adds the platform packages as optionalDependencies. */
export async function publishedRoot(ctx, rootTarball, platformName) {
  const dir = await extract(ctx, rootTarball, join(ctx.tmp, 'publish-stage'))
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  manifest.optionalDependencies = { ...manifest.optionalDependencies, [platformName]: manifest.version }
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`)
  return npmPack(ctx, dir, join(ctx.tmp, 'publish'))
}
