// napi's prebuilt gcc cross toolchains (glibc 2.17 sysroot), unpacked where `napi build
// --use-napi-cross` looks before it downloads one: ~/.napi-rs/cross-toolchain/<V>/<triple>, V
// being the version of the `@napi-rs/cross-toolchain` package the CLI resolves. A directory that
// holds the toolchain's package.json is taken as complete, by the CLI and by this script.
//
// Why not let the CLI download it: it fetches the target package at V, which for CLI 3.10 is 1.0.5,
// and neither target package exists at 1.0.5; and it decompresses with `@napi-rs/lzma`, not
// installed on Node 20 (its platform package declares Node >= 22). Here the target package is
// fetched at the version that was published (`npm pack`, which checks the registry's integrity
// hash) and unpacked with the system's `tar` and `xz`.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

// Target triple -> the package (and its only usable published version) for a Linux x64 host.
export const CROSS_TOOLCHAIN_PACKAGES = {
  'x86_64-unknown-linux-gnu': { name: '@napi-rs/cross-toolchain-x64-target-x86_64', version: '1.0.0' },
  'aarch64-unknown-linux-gnu': { name: '@napi-rs/cross-toolchain-x64-target-aarch64', version: '1.0.3' },
}

export function crossToolchainDir(triple) {
  // Resolved from the CLI's own location: that is the copy whose version it reads.
  const cliRequire = createRequire(require.resolve('@napi-rs/cli/package.json'))
  const { version } = cliRequire('@napi-rs/cross-toolchain/package.json')
  return join(homedir(), '.napi-rs', 'cross-toolchain', version, triple)
}

export function ensureCrossToolchain(triple, log = () => {}) {
  const pkg = CROSS_TOOLCHAIN_PACKAGES[triple]
  if (!pkg) throw new Error(`no napi cross toolchain known for ${triple}`)
  const dest = crossToolchainDir(triple)
  if (existsSync(join(dest, 'package.json'))) return dest

  log(`fetching ${pkg.name}@${pkg.version} (gcc + glibc 2.17 sysroot, about 50 MB) into ${dest}`)
  const work = mkdtempSync(join(tmpdir(), 'napi-cross-'))
  // Unpacked next to the destination and renamed into place, so a build that dies half way
  // leaves no directory with a package.json that the CLI would take as a whole toolchain.
  const staging = `${dest}.partial-${process.pid}`
  try {
    const tarball = execFileSync(
      'npm',
      ['pack', `${pkg.name}@${pkg.version}`, '--silent', '--pack-destination', work],
      {
        cwd: work,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    )
      .trim()
      .split('\n')
      .at(-1)
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work], { stdio: 'inherit' })
    mkdirSync(staging, { recursive: true })
    execFileSync('tar', ['-xJf', join(work, 'package', `${triple}.tar.xz`), '-C', staging], { stdio: 'inherit' })
    if (!existsSync(join(staging, 'package.json')))
      throw new Error(`${pkg.name}@${pkg.version} did not hold a toolchain`)
    rmSync(dest, { recursive: true, force: true })
    renameSync(staging, dest)
    return dest
  } catch (error) {
    rmSync(staging, { recursive: true, force: true })
    throw new Error(
      `could not set up napi's cross toolchain for ${triple} (${error.message}). It needs the npm registry, ` +
        "tar and xz. To link against this machine's glibc instead, run with CUSTOMERIO_SECURITY_BUILD_HOST_LIBC=1 " +
        '(the addon then does not load on older Linux).',
      { cause: error },
    )
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
