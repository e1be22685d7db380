'use strict'

// The error thrown when no native addon loads. napi's generated loader (binding.js) says "Cannot
// find native binding. npm has a bug related to optional dependencies..." on every failure, with a
// chain of `require` errors ending in the WebAssembly fallback's, which sends people to the wrong
// fix. This one says which platform this is, which platforms have a prebuilt addon, which package
// holds this platform's and why it did not load, and how to get it; napi's error stays as `cause`.

const { CustomerioSecurityError } = require('../errors.js')

const PACKAGE = 'customerio-security'

// napi's name for each Rust target the release builds (package.json `napi.targets`).
const TARGET_NAMES = {
  'x86_64-unknown-linux-gnu': 'linux-x64-gnu',
  'aarch64-unknown-linux-gnu': 'linux-arm64-gnu',
  'x86_64-unknown-linux-musl': 'linux-x64-musl',
  'aarch64-unknown-linux-musl': 'linux-arm64-musl',
  'x86_64-apple-darwin': 'darwin-x64',
  'aarch64-apple-darwin': 'darwin-arm64',
  'x86_64-pc-windows-msvc': 'win32-x64-msvc',
  'aarch64-pc-windows-msvc': 'win32-arm64-msvc',
  // The WebAssembly build, which napi's loader tries when no native addon loads.
  'wasm32-wasip1-threads': 'wasm32-wasi',
}

/** `linux-x64-gnu`, `darwin-arm64`, `win32-x64-msvc`...: the suffix of the platform package. */
function platformName(platform, arch, libc) {
  if (platform === 'linux') return `linux-${arch}-${libc.family === 'musl' ? 'musl' : 'gnu'}`
  if (platform === 'win32') return `win32-${arch}-msvc`
  return `${platform}-${arch}`
}

/**
 * The C library this process runs on: glibc (with its version when known) or musl on Linux; the
 * system's elsewhere. Node's report names the glibc it runs on; Deno's report does not, so
 * /usr/bin/ldd (a glibc or musl script) decides then, as in napi's loader.
 */
function detectLibc(
  platform,
  report = () => process.report?.getReport?.(),
  readLdd = () => require('node:fs').readFileSync('/usr/bin/ldd', 'latin1'),
) {
  if (platform !== 'linux') return { family: 'system', description: 'system C library' }
  const header = attempt(() => report()?.header)
  if (typeof header?.glibcVersionRuntime === 'string') {
    return { family: 'glibc', description: `glibc ${header.glibcVersionRuntime}` }
  }
  const ldd = attempt(readLdd) ?? ''
  if (ldd.includes('musl')) return { family: 'musl', description: 'musl' }
  if (/GNU C Library|glibc/.test(ldd)) return { family: 'glibc', description: 'glibc' }
  return { family: 'unknown', description: 'unknown C library' }
}

function attempt(read) {
  try {
    return read()
  } catch {
    return undefined
  }
}

// Bun and Deno report a Node version they are compatible with; name the runtime itself too.
function runtimeDescription() {
  const node = `Node ${process.versions.node}`
  if (typeof process.versions.bun === 'string') return `Bun ${process.versions.bun} (${node} compatible)`
  const deno = globalThis.Deno?.version?.deno
  if (typeof deno === 'string') return `Deno ${deno} (${node} compatible)`
  return node
}

function supportedPlatforms(targets) {
  return targets.map((triple) => TARGET_NAMES[triple]).filter(Boolean)
}

/**
 * @param {unknown} cause napi's error (its `cause` chain holds every attempt's error)
 * @param {object} [environment] for tests: platform, arch, libc, node, version, targets, installed(name)
 */
function nativeLoadError(cause, environment = {}) {
  const manifest = require('../../package.json')
  const platform = environment.platform ?? process.platform
  const arch = environment.arch ?? process.arch
  const libc = environment.libc ?? detectLibc(platform)
  const runtime = environment.node === undefined ? runtimeDescription() : `Node ${environment.node}`
  const napi = environment.napi ?? process.versions.napi
  const version = environment.version ?? manifest.version
  const supported = supportedPlatforms(environment.targets ?? manifest.napi?.targets ?? [])
  const installed = environment.installed ?? isInstalled

  const name = platformName(platform, arch, libc)
  const addonPackage = `${PACKAGE}-${name}`
  const lines = [
    `no native addon loaded for ${name} (platform ${platform}, arch ${arch}, ${libc.description}, ${runtime}, N-API ${napi}).`,
    `Prebuilt addons: ${supported.join(', ') || 'none'}.`,
  ]
  const fromSource =
    "build it from source: in a clone of the repository, `npm install` (needs Rust's `cargo`) builds " +
    `${PACKAGE}.${name}.node; set NAPI_RS_NATIVE_LIBRARY_PATH to that file's path.`
  if (supported.includes(name)) {
    const failure = loadFailure(cause, name)
    if (failure !== null || installed(addonPackage)) {
      // The file is there (a platform package, or a build in a clone) but the dynamic loader
      // refused it: a glibc older than the addon's, another architecture, a damaged file.
      lines.push(
        `The addon for ${name} is there but did not load: ${failure ?? `${addonPackage} is installed but could not be required`}`,
        `Fix: reinstall ${addonPackage}@${version} on this machine (\`npm install --include=optional\`), or ${fromSource}`,
      )
    } else {
      lines.push(
        `This platform's addon is the optional dependency ${addonPackage}@${version}, which is not installed ` +
          '(npm leaves optional dependencies out with --omit=optional, and a package-lock.json made on another ' +
          'platform can miss it: npm/cli#4828).',
        `Fix: \`npm install --include=optional\` (or \`npm install ${addonPackage}@${version}\`); if it is still ` +
          'missing, delete node_modules and package-lock.json and install again on this platform. ' +
          `Or ${fromSource}`,
      )
    }
  } else {
    lines.push(`There is no prebuilt addon for ${name}. Fix: ${fromSource}`)
  }
  lines.push("Each attempt's error is in this error's `cause` chain.")
  const error = new CustomerioSecurityError('ERR_NATIVE_ADDON_NOT_FOUND', lines.join('\n'), { cause })
  error.platform = name
  return error
}

function isInstalled(name) {
  try {
    require.resolve(`${name}/package.json`)
    return true
  } catch {
    return false
  }
}

// The first line of the error of an attempt that found this platform's addon but could not load
// it (the dynamic loader's reason); null when every attempt only found nothing.
function loadFailure(cause, name) {
  for (let error = cause; error != null; error = error.cause) {
    const message = typeof error.message === 'string' ? error.message : ''
    if (message.includes(name) && !message.startsWith('Cannot find module')) return firstLine(message)
  }
  return null
}

function firstLine(text) {
  return text.split('\n')[0]
}

module.exports = { TARGET_NAMES, detectLibc, nativeLoadError, platformName }
