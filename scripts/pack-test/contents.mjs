// What the root tarball must and must not hold, checked on `npm pack --json` output and on the
// unpacked files. Each function throws (with the offending paths) or returns a detail string.

import { readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { join, posix } from 'node:path'
import { failure } from './report.mjs'

// Never published: sources, builds, tests, tooling, local state, and anything secret-shaped.
const FORBIDDEN = [
  [/^(__test__|__tests__|test|tests)\//, 'tests'],
  [/^(target|crates|src|benchmark|examples|scripts|npm|\.ci|node_modules)\//, 'repository-only folder'],
  [/^(Cargo\.toml|Cargo\.lock|build\.rs|package-lock\.json|rustfmt\.toml)$/, 'build file'],
  [/\.rs$/, 'Rust source'],
  [/\.node$/, 'addon binary (it ships in the platform package)'],
  [/\.tgz$/, 'tarball'],
  [/(^|\/)\.(env|npmrc|git)(\/|\.|$)/, 'local configuration or credentials'],
  [/\.(pem|key|p12|pfx|jsonl|log)$/, 'key, log or data file'],
]

// Beyond the manifest's own entry points: files the entry points load or re-export.
const REQUIRED = ['package.json', 'README.md', 'binding.js', 'binding.d.ts', 'types/events.d.ts']

// Bounds for "a sane size": today about 0.1 MB packed and 0.4 MB unpacked.
const MAX_PACKED = 512 * 1024
const MAX_UNPACKED = 2 * 1024 * 1024
const MAX_FILES = 200

const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`

/** Every path the manifest points at: main, types, bin, and each exports target. */
export function manifestPaths(pkg) {
  const paths = new Set()
  const add = (value) => {
    if (typeof value === 'string') paths.add(posix.normalize(value))
    else if (value && typeof value === 'object') Object.values(value).forEach(add)
  }
  add(pkg.main)
  add(pkg.types)
  add(pkg.bin)
  add(pkg.exports)
  return [...paths]
}

export function checkEntryPoints(files, pkg) {
  const have = new Set(files)
  const wanted = [...new Set([...manifestPaths(pkg), ...REQUIRED])]
  const missing = wanted.filter((path) => !have.has(path))
  if (!files.some((path) => path.startsWith('lib/'))) missing.push('lib/')
  if (missing.length) throw failure(`missing from the tarball: ${missing.join(', ')}`)
  return wanted.sort().join(', ')
}

export function checkNothingForbidden(files) {
  const bad = []
  for (const path of files) {
    const hit = FORBIDDEN.find(([pattern]) => pattern.test(path))
    if (hit) bad.push(`${path} (${hit[1]})`)
  }
  if (bad.length) throw failure(`should not be published: ${bad.join(', ')}`)
  return 'no tests, sources, target/, addon, keys or env files'
}

export function checkSize(info) {
  const detail = `${info.entryCount} files, ${kB(info.size)} packed, ${kB(info.unpackedSize)} unpacked`
  if (info.size > MAX_PACKED || info.unpackedSize > MAX_UNPACKED || info.entryCount > MAX_FILES) {
    throw failure(`too large: ${detail} (bounds: ${kB(MAX_PACKED)}, ${kB(MAX_UNPACKED)}, ${MAX_FILES} files)`)
  }
  return detail
}

// Relative specifiers after require(, import(, from, and the CLI's `module: '...'` table.
const SPECIFIER = /(?:require\s*\(|import\s*\(|\bfrom\s+|\bmodule:\s*)\s*['"](\.{1,2}\/[^'"]+)['"]/g
// The napi loader in binding.js also tries the other platforms' local addons and a WASI build:
// absent by design.
const LOADER_ALTERNATIVE = /^\.\/customerio-security\.[\w-]+\.(node|cjs)$/

function resolves(have, from, specifier) {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier))
  const tries = [base, `${base}.js`, `${base}.d.ts`, `${base}/index.js`, `${base}/index.d.ts`]
  return tries.some((path) => have.has(path))
}

/** Every relative require/import in the published JS and typings names a published file. */
export function checkRelativeReferences(dir, files) {
  const have = new Set(files)
  const broken = []
  let count = 0
  for (const path of files.filter((name) => /\.(c?js|mjs|d\.ts)$/.test(name))) {
    const text = readFileSync(join(dir, path), 'utf8')
    for (const [, specifier] of text.matchAll(SPECIFIER)) {
      if (path === 'binding.js' && LOADER_ALTERNATIVE.test(specifier)) continue
      count += 1
      if (!resolves(have, path, specifier)) broken.push(`${path} -> ${specifier}`)
    }
  }
  if (broken.length)
    throw failure(`relative references to files that are not published: ${[...new Set(broken)].join(', ')}`)
  return `${count} relative references, all to published files`
}

// Bare specifiers after require(, import( and from, in published JavaScript.
const BARE = /(?:require\s*\(|import\s*\(|\bfrom\s+)\s*['"]([^./'"][^'"]*)['"]/g

/**
 * Every package the published JavaScript loads is a Node builtin, the package itself, one of its
 * platform packages (binding.js), or declared in dependencies/peerDependencies: a devDependency
 * required at run time works in the repository and breaks for every user.
 */
export function checkBareRequires(dir, files, pkg) {
  const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})])
  const undeclared = new Set()
  const used = new Set()
  for (const path of files.filter((name) => /\.(c?js|mjs)$/.test(name))) {
    const text = readFileSync(join(dir, path), 'utf8')
    for (const [, specifier] of text.matchAll(BARE)) {
      const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]
      if (specifier.startsWith('node:') || builtinModules.includes(name)) continue
      if (name === pkg.name || name.startsWith(`${pkg.name}-`)) continue
      if (declared.has(name)) used.add(name)
      else undeclared.add(`${path} -> ${name}`)
    }
  }
  if (undeclared.size)
    throw failure(`loads packages that are not dependencies or peerDependencies: ${[...undeclared].join(', ')}`)
  return used.size ? `besides builtins, only ${[...used].join(', ')} (declared)` : 'only Node builtins'
}

// Relative links of Markdown prose (fenced code and code spans left out).
function markdownLinks(text) {
  const targets = []
  let fenced = false
  for (const line of text.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced
    if (fenced) continue
    for (const [, target] of line.replace(/`+[^`]*`+/g, '``').matchAll(/\]\(([^)\s]+)\)/g)) {
      if (!/^([a-z][a-z0-9+.-]*:|#)/i.test(target)) targets.push(target.split('#')[0])
    }
  }
  return targets
}

/**
 * The manual travels with the package: README.md and the pages of docs/ it links to are packed,
 * and every link between them resolves inside the tarball. Links to what stays in the repository
 * (examples/, CONTRIBUTING.md, docs/design/, tests) are counted, not required.
 */
export function checkManualPages(dir, files) {
  const have = new Set(files)
  const pages = files.filter((path) => path === 'README.md' || /^docs\/[^/]+\.md$/.test(path))
  if (!pages.some((path) => path.startsWith('docs/'))) throw failure('no page of docs/ is packed')
  const broken = []
  let between = 0
  let repositoryOnly = 0
  for (const page of pages) {
    for (const target of markdownLinks(readFileSync(join(dir, page), 'utf8'))) {
      const path = posix.normalize(posix.join(posix.dirname(page), target))
      if (/^docs\/[^/]+\.md$/.test(path) || path === 'README.md') {
        between += 1
        if (!have.has(path)) broken.push(`${page} -> ${target}`)
      } else {
        repositoryOnly += 1
      }
    }
  }
  if (broken.length)
    throw failure(`links between the manual's pages that the tarball cannot follow: ${broken.join(', ')}`)
  return `${pages.length} pages, ${between} links between them resolve; ${repositoryOnly} links to repository-only files`
}

const SECRET_SHAPES = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, 'a private key'],
  [/\bnpm_[A-Za-z0-9]{36}\b/, 'an npm token'],
  [/\bgh[pousr]_[A-Za-z0-9]{36,}\b/, 'a GitHub token'],
  [/\bAKIA[0-9A-Z]{16}\b/, 'an AWS access key id'],
]

/** Names the files (never the values) that hold something secret-shaped. */
export function checkNoSecrets(dir, files) {
  const hits = []
  for (const path of files) {
    const text = readFileSync(join(dir, path), 'utf8')
    for (const [pattern, what] of SECRET_SHAPES) if (pattern.test(text)) hits.push(`${path} (${what})`)
  }
  if (hits.length) throw failure(`secret-shaped content: ${hits.join(', ')}`)
  return `${files.length} files scanned`
}

/** Lifecycle scripts npm flags when installing the package (it runs `prepare` only for git or linked installs). */
export function installTimeScripts(pkg) {
  const scripts = pkg.scripts ?? {}
  return ['preinstall', 'install', 'postinstall', 'prepare']
    .filter((name) => name in scripts)
    .map((name) => `${name}: ${scripts[name]}`)
}

export function readManifest(dir) {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
}
