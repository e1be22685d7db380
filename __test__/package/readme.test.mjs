// The README and the reference pages of docs/ are the manual: it must not drift from the package.
// These checks read it and compare it with what the package really exports and does, and follow
// it from the README to its pages: every link and anchor resolves, each product's page is linked
// from the README, and the README stays short enough to finish.

import test from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { join, posix, relative } from 'node:path'
import { ROOT, anchors, links, manual, manualPages, readPage } from '../helpers/manual.mjs'

const require = createRequire(import.meta.url)
const pkg = require('../../index.js')
const readme = readPage('README.md')
const manualText = manual()
  .map((page) => page.text)
  .join('\n')
// index.d.ts and every file of types/ it re-exports from (the main entry's typings, whole).
const indexTypings = readFileSync(new URL('../../index.d.ts', import.meta.url), 'utf8')
const typings = [
  indexTypings,
  ...[...indexTypings.matchAll(/from '\.\/(types\/[\w-]+)'/g)].map((m) =>
    readFileSync(new URL(`../../${m[1]}.d.ts`, import.meta.url), 'utf8'),
  ),
].join('\n')

// Each product: its reference page, linked from the README after its example.
const PRODUCT_PAGES = [
  'docs/webhooks.md',
  'docs/sanitize.md',
  'docs/erasure.md',
  'docs/data-subject-requests.md',
  'docs/credentials.md',
  'docs/audit.md',
]
const MAX_README_LINES = 300

test('the quick start gives the two commands, install first', () => {
  const quick = readme.slice(readme.indexOf('## Quick start'))
  const install = quick.indexOf('npm install')
  const run = quick.indexOf('npm test')
  assert.ok(install >= 0 && run > install, 'npm install, then npm test')
})

test('every value the typings export is documented in the manual', () => {
  const names = [...typings.matchAll(/^export declare (?:function|const|class) ([A-Za-z_]+)/gm)].map((m) => m[1])
  assert.ok(names.length > 10)
  const missing = [...new Set(names)].filter((name) => !manualText.includes(name))
  assert.deepEqual(missing, [])
  for (const name of names) assert.ok(name in pkg, `${name} is typed but not exported`)
})

test('the sanitize example prints what the package returns, on every page that shows it', () => {
  const pattern = /sanitizeAttributes\((\{[^\n]*\})\)\n\/\/ => (\{[^\n]*\})/g
  const shown = [...manualText.matchAll(pattern)]
  assert.ok(/sanitizeAttributes\(\{[^\n]*\}\)\n\/\/ => /.test(readme), 'the example is in the README')
  assert.ok(shown.length >= 1)
  for (const example of shown) {
    const input = Function(`return (${example[1]})`)()
    const output = Function(`return (${example[2]})`)()
    assert.deepEqual(pkg.sanitizeAttributes(input), output)
  }
})

test('every CLI command is documented', () => {
  const bin = readFileSync(new URL('../../bin/customerio-security.js', import.meta.url), 'utf8')
  const commands = [...bin.matchAll(/^\s+'?([a-z-]+)'?: \{ module:/gm)].map((m) => m[1])
  assert.ok(commands.includes('sanitize'))
  for (const command of commands) assert.ok(manualText.includes(`customerio-security ${command}`), command)
})

test('the README is short enough to finish', () => {
  const lines = readme.split('\n').length - (readme.endsWith('\n') ? 1 : 0)
  assert.ok(lines <= MAX_README_LINES, `README.md has ${lines} lines (at most ${MAX_README_LINES})`)
})

test("each product's reference page exists and the README links to it, as to every page of docs/", () => {
  const linked = new Set(links(readme).map(({ target }) => target.split('#')[0]))
  for (const page of PRODUCT_PAGES) {
    assert.ok(existsSync(join(ROOT, page)), `${page} is missing`)
    assert.ok(linked.has(page), `the README does not link to ${page}`)
    // The README's section for the product ends with its reference link.
    assert.ok(readme.includes(`Reference: [${page}](${page})`), `no "Reference: ${page}" line in the README`)
  }
  const pages = manualPages().filter((path) => path !== 'README.md')
  assert.ok(pages.length >= PRODUCT_PAGES.length)
  assert.deepEqual(
    pages.filter((path) => !linked.has(path)),
    [],
    'pages of docs/ the README does not link to',
  )
  assert.ok(linked.has('CONTRIBUTING.md') && linked.has('docs/design'), 'CONTRIBUTING.md and docs/design/ linked')
})

test('every relative link of the manual and CONTRIBUTING.md names a file that exists, and every #anchor a heading of its page', () => {
  const broken = []
  let checked = 0
  let anchored = 0
  for (const path of [...manualPages(), 'CONTRIBUTING.md']) {
    for (const { target, number } of links(readPage(path))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue // https:, mailto:
      checked += 1
      const [file, anchor] = target.split('#')
      const resolved = file === '' ? path : posix.normalize(posix.join(posix.dirname(path), decodeURI(file)))
      const where = `${path}:${number} -> ${target}`
      if (resolved.startsWith('..') || !existsSync(join(ROOT, resolved))) {
        broken.push(`${where} (no ${resolved} in the repository)`)
        continue
      }
      if (anchor === undefined) continue
      anchored += 1
      if (!resolved.endsWith('.md') || statSync(join(ROOT, resolved)).isDirectory()) {
        broken.push(`${where} (an anchor on a file that is not a page)`)
      } else if (!anchors(readPage(resolved)).has(anchor)) {
        broken.push(`${where} (no heading #${anchor} on ${resolved})`)
      }
    }
  }
  assert.deepEqual(broken, [])
  assert.ok(checked >= 40 && anchored >= 3, `${checked} links, ${anchored} with an anchor`)
})

test('the link parser and heading slugs the checker relies on: code left out, GitHub slugs, repeated headings', () => {
  const text =
    '# Verify: `verifyWebhook(input)`\n\n## Fastify (4 and 5)\n\n## Fastify (4 and 5)\n\n```\n# not a heading\n```\n'
  assert.deepEqual([...anchors(text)], ['verify-verifywebhookinput', 'fastify-4-and-5', 'fastify-4-and-5-1'])
  assert.deepEqual(
    links('See [a](docs/a.md#x), `[not](a-link)` and ![img](b.png).\n```\n[code](c.md)\n```\n').map((l) => l.target),
    ['docs/a.md#x', 'b.png'],
  )
})

test('every docs/ file a source comment cites is in this repository', () => {
  const THIS_FILE = fileURLToPath(import.meta.url) // its own examples are not citations
  const cited = new Map()
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) {
        if (!['node_modules', 'target', 'corpus', 'fixtures'].includes(entry.name)) walk(path)
      } else if (/\.(c?js|mjs|ts|rs|sh)$/.test(entry.name) && path !== THIS_FILE) {
        for (const [, doc] of readFileSync(path, 'utf8').matchAll(/\b(docs\/[\w./-]+\.md)\b/g)) {
          cited.set(doc, relative(ROOT, path))
        }
      }
    }
  }
  for (const dir of ['lib', 'bin', 'src', 'crates', 'scripts', 'benchmark', 'types', '__test__', 'examples']) {
    walk(join(ROOT, dir))
  }
  assert.ok(cited.size >= 3, `${cited.size} documents cited`)
  const missing = [...cited].filter(([doc]) => !existsSync(join(ROOT, doc))).map(([doc, by]) => `${by} cites ${doc}`)
  assert.deepEqual(missing, [])
})
