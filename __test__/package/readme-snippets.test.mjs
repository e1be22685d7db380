// Every JavaScript and TypeScript snippet of the manual (README.md and every page of docs/, see
// helpers/manual.mjs) compiles under `strict` as written, in a consumer project that installs the packed package (npm pack, as a user gets it) next to the
// frameworks the snippets use (Express's, Fastify's, Hono's, node-redis', ioredis',
// customerio-node's own typings, linked from this repository's node_modules). JavaScript is
// checked too (checkJs): a `require` snippet as CommonJS, an `import` one as an ES module.
//
// The three secret-manager SDKs of docs/credentials.md are not installed here; their
// members the snippets use are declared in fixtures/readme-sdk-stubs.d.ts with the types of the
// SDKs' own typings (optional and nullable where theirs are), so `strict` still bites.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { manual } from '../helpers/manual.mjs'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
// What the snippets import, linked from the repository's node_modules (types resolve from there).
const LINKED = ['@types', 'fastify', 'hono', 'redis', 'ioredis', 'customerio-node', '@customerio/cdp-analytics-node']

/** A page's ```js / ```ts blocks, with the line each starts on. */
export function markdownSnippets(text) {
  const snippets = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(js|ts)\s*$/.exec(lines[i])
    if (open === null) continue
    const start = i + 1
    while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1])) i++
    snippets.push({ lang: open[1], line: start + 1, code: lines.slice(start, i + 1).join('\n') })
    i++
  }
  return snippets
}

/**
 * The file a snippet is compiled as: CommonJS for `require`, otherwise an ES module; named after
 * its page and line (`docs-webhooks-line-12.mjs` for docs/webhooks.md line 12).
 */
function fileFor(snippet) {
  const commonJs = /\brequire\(/.test(snippet.code) && !/^import /m.test(snippet.code)
  const ext = snippet.lang === 'ts' ? (commonJs ? 'cts' : 'mts') : commonJs ? 'cjs' : 'mjs'
  // `export {}` makes an ES module of a snippet without imports, so snippets never share a scope.
  const code = commonJs ? snippet.code : `${snippet.code}\nexport {}\n`
  const page = snippet.page.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')
  return { name: `${page}-line-${snippet.line}.${ext}`, code }
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options })
  assert.equal(result.error, undefined, `${command} did not run: ${result.error}`)
  return result
}

test('every JS/TS snippet of the manual compiles under strict against the packed package', (t) => {
  const pages = manual()
  const snippets = pages.flatMap(({ path, text }) => markdownSnippets(text).map((s) => ({ ...s, page: path })))
  // The README's examples and the reference pages' snippets, each page that has any.
  const withSnippets = [
    'README.md',
    'docs/webhooks.md',
    'docs/sanitize.md',
    'docs/erasure.md',
    'docs/data-subject-requests.md',
    'docs/credentials.md',
  ]
  for (const page of withSnippets) {
    assert.ok(
      snippets.some((snippet) => snippet.page === page),
      `no snippet found on ${page}`,
    )
  }
  assert.ok(snippets.length >= 25, `found only ${snippets.length} snippets`)
  const tmp = mkdtempSync(join(tmpdir(), 'cio-readme-snippets-'))
  t.after(() => rmSync(tmp, { recursive: true, force: true }))

  // The package as a user gets it: npm pack (no scripts: nothing is rebuilt), then unpacked.
  const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT })
  assert.equal(packed.status, 0, packed.stderr)
  const [{ filename }] = JSON.parse(packed.stdout)
  const app = join(tmp, 'app')
  const installed = join(app, 'node_modules', 'customerio-security')
  mkdirSync(installed, { recursive: true })
  assert.equal(run('tar', ['-xzf', join(tmp, filename), '-C', installed, '--strip-components=1']).status, 0)
  for (const name of LINKED) {
    mkdirSync(join(app, 'node_modules', name, '..'), { recursive: true })
    symlinkSync(join(ROOT, 'node_modules', name), join(app, 'node_modules', name))
  }
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'readme-consumer', private: true, type: 'module' }))
  copyFileSync(join(ROOT, '__test__', 'fixtures', 'readme-sdk-stubs.d.ts'), join(app, 'sdk-stubs.d.ts'))
  const files = snippets.map(fileFor)
  for (const file of files) writeFileSync(join(app, file.name), file.code)
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        allowJs: true,
        checkJs: true,
        target: 'es2022',
        module: 'nodenext',
        moduleResolution: 'nodenext',
        types: ['node'],
        skipLibCheck: true,
      },
      files: ['sdk-stubs.d.ts', ...files.map((file) => file.name)],
    }),
  )
  const tsc = run(process.execPath, [TSC, '-p', 'tsconfig.json', '--pretty', 'false', '--listFiles'], { cwd: app })
  const output = `${tsc.stdout}${tsc.stderr}`
  const errors = output.split('\n').filter((line) => /error TS\d+/.test(line))
  assert.deepEqual(
    errors,
    [],
    `snippets of the manual that do not compile (file names give the page and line):\n${errors.join('\n')}`,
  )
  assert.equal(tsc.status, 0, output)
  // The typings checked were the packed ones, not the repository's.
  assert.ok(output.includes(join('node_modules', 'customerio-security', 'index.d.ts')), output.slice(0, 2000))
  t.diagnostic(`${files.length} snippets compiled, from ${new Set(snippets.map((s) => s.page)).size} pages`)
})
