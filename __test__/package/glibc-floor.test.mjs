// The Linux gnu addons load on glibc 2.17 (RHEL/Alma 7 and 8, Debian 11, Ubuntu 20.04, Amazon
// Linux 2): `npm run build` links them against the glibc 2.17 sysroot of napi's cross toolchain
// (scripts/build.mjs). A binary linked against the build machine's glibc asks for that glibc's
// newest symbol versions (GLIBC_2.34 on Debian 12) and fails there with "version `GLIBC_2.34' not
// found"; this test catches that before a release does.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { compareVersions, glibcVersion, isElf, requiredVersions } from '../helpers/elf-versions.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const FLOOR = [2, 17]
const ADDONS = ['customerio-security.linux-x64-gnu.node', 'customerio-security.linux-arm64-gnu.node']
const builtHere =
  process.platform === 'linux' &&
  process.arch === 'x64' &&
  typeof process.report.getReport().header.glibcVersionRuntime === 'string'

function glibcAbove(path, floor) {
  return requiredVersions(path)
    .map(({ version }) => version)
    .filter((name) => {
      const version = glibcVersion(name)
      return version !== null && compareVersions(version, floor) > 0
    })
}

function objdumpReferences(path) {
  try {
    const text = execFileSync('objdump', ['-p', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    const references = text.slice(text.indexOf('Version References:'))
    return [...references.matchAll(/^\s+0x[0-9a-f]+ 0x[0-9a-f]+ \d+ (\S+)$/gm)].map((match) => match[1]).sort()
  } catch {
    return null
  }
}

for (const name of ADDONS) {
  const path = `${ROOT}${name}`
  const present = existsSync(path)
  const mustExist = builtHere && name.includes('x64')
  test(`${name} needs no glibc symbol version above GLIBC_${FLOOR.join('.')}`, {
    skip: !present && !mustExist && `${name} is not built here`,
  }, () => {
    assert.ok(present, `${name} is missing: run npm run build`)
    const versions = requiredVersions(path)
    assert.ok(
      versions.some(({ version }) => glibcVersion(version) !== null),
      'the addon requires no GLIBC_ version at all: the reader is broken',
    )
    assert.deepEqual(
      glibcAbove(path, FLOOR),
      [],
      `${name} requires newer glibc than ${FLOOR.join('.')}: it was linked against the build machine's glibc (CUSTOMERIO_SECURITY_BUILD_HOST_LIBC?)`,
    )
  })
}

test('the ELF reader agrees with objdump on the addon and on node itself', (t) => {
  const files = [`${ROOT}${ADDONS[0]}`, process.execPath].filter((path) => existsSync(path) && isElf(path))
  if (files.length === 0 || objdumpReferences(files[0]) === null) return t.skip('no ELF file or no objdump here')
  for (const path of files) {
    assert.deepEqual(
      requiredVersions(path)
        .map(({ version }) => version)
        .sort(),
      objdumpReferences(path),
      path,
    )
  }
})

test('the check is not vacuous: it flags a binary that needs a newer glibc (node itself)', (t) => {
  if (!isElf(process.execPath)) return t.skip('node is not an ELF binary here')
  // Official Node 20+ Linux builds need glibc 2.28.
  assert.ok(glibcAbove(process.execPath, FLOOR).length > 0, 'node requires nothing above 2.17?')
  assert.deepEqual(glibcAbove(process.execPath, [99]), [])
})
