#!/usr/bin/env node
// `npm run build`: the napi build, linked against glibc 2.17 on Linux so the addon loads on
// RHEL/Alma 8, Debian 11, Ubuntu 20.04 and Amazon Linux 2, not only on the build machine's glibc.
//
//   node scripts/build.mjs [--debug] [--target TRIPLE] [any other `napi build` option, e.g. -o DIR]
//
// Linux gnu targets (x64, arm64) on a Linux x64 host build with `--use-napi-cross`: napi's
// prebuilt gcc toolchain with a glibc 2.17 sysroot. The napi CLI would download that toolchain
// itself, but the version it asks for is its own `@napi-rs/cross-toolchain` version (1.0.5 with
// CLI 3.10), and the per-target packages were published at other versions only (x86_64 at 1.0.0,
// aarch64 at 1.0.3); and it unpacks the .tar.xz with `@napi-rs/lzma`, whose platform package
// declares Node >= 22, so npm leaves it out on Node 20. This script therefore puts the toolchain
// where the CLI looks for it first (see napi-cross-toolchain.mjs), and the CLI then only sets the
// linker and C compiler variables. Every other target builds as plain `napi build` does.
//
// CUSTOMERIO_SECURITY_BUILD_HOST_LIBC=1 links against the build machine's own glibc instead (an
// offline machine that cannot fetch the toolchain; the package test of the glibc floor then fails).
import { spawnSync } from 'node:child_process'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CROSS_TOOLCHAIN_PACKAGES, ensureCrossToolchain } from './napi-cross-toolchain.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const require = createRequire(import.meta.url)

const args = process.argv.slice(2)
const debug = args.includes('--debug')
const passThrough = args.filter((arg) => arg !== '--debug')

const targetIndex = passThrough.findIndex((arg) => arg === '--target' || arg === '-t')
let target = targetIndex >= 0 ? passThrough[targetIndex + 1] : null
const napiArgs = ['build', '--platform', '--js', 'binding.js', '--dts', 'binding.d.ts', '--no-const-enum']
if (!debug) napiArgs.push('--release')

const useHostLibc = process.env.CUSTOMERIO_SECURITY_BUILD_HOST_LIBC === '1'
const linuxX64Host = process.platform === 'linux' && process.arch === 'x64' && isGlibcHost()
if (target === null && linuxX64Host) target = 'x86_64-unknown-linux-gnu'
if (target !== null && targetIndex < 0) napiArgs.push('--target', target)

if (target !== null && target in CROSS_TOOLCHAIN_PACKAGES && linuxX64Host && !useHostLibc) {
  ensureCrossToolchain(target, (line) => console.error(`build: ${line}`))
  napiArgs.push('--use-napi-cross')
}
napiArgs.push(...passThrough)

const cli = join(dirname(require.resolve('@napi-rs/cli/package.json')), 'dist', 'cli.js')
console.error(`build: napi ${napiArgs.join(' ')}`)
const run = spawnSync(process.execPath, [cli, ...napiArgs], { cwd: ROOT, stdio: 'inherit' })
if (run.error) throw run.error
process.exit(run.status ?? 1)

function isGlibcHost() {
  // Node's own report says which glibc it runs on; musl builds of Node have no such field.
  const header = process.report?.getReport?.().header
  return typeof header?.glibcVersionRuntime === 'string'
}
