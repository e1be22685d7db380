// The checklist's ways out of a finding that is not a live key, and its SARIF output:
// an inline allow comment, a baseline of accepted findings by fingerprint (the way out for a
// line in a past commit), values that look written for tests, and SARIF 2.1.0 validated against
// the official schema (oasis-tcs/sarif-spec, sarif-2.1/schema/sarif-schema-2.1.0.json, kept in
// fixtures/) with ajv. Then this repository itself: it passes its own audit, and the README and
// docs/audit.md show that output.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

import { runCli } from '../helpers/cli.mjs'
import { pagesWith } from '../helpers/manual.mjs'
import { GIT_ENV, tempRepo } from '../helpers/git-repo.mjs'

const require = createRequire(import.meta.url)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const { detect } = require('../../lib/cli/checklist/detect.js')

// Built at run time, so no line of this file is itself a finding.
const VARIABLE = ['CUSTOMERIO', 'WEBHOOK', 'SECRET'].join('_')
const liveSecret = () => `whsec-${randomBytes(12).toString('hex')}`
const ALLOW = ['customerio-security', ' allow'].join(':')
const ALLOW_NEXT = ['customerio-security', ' allow-next-line'].join(':')

function audit(args) {
  return runCli(['audit', ...args], {
    env: { ...GIT_ENV, CUSTOMERIO_KEYS_ROTATED_AT: new Date().toISOString().slice(0, 10) },
  })
}

const checkOf = (report, id) => report.checks.find((c) => c.id === id)

test('values written for tests are not keys: test-, fake, example, one character repeated', () => {
  for (const value of [
    'test-secret',
    'test_signing_key',
    'my-fake-key-123',
    'example-key-2024',
    'xxxxxxxxxxxx',
    '00000000000000000000',
  ]) {
    assert.deepEqual(detect(`${VARIABLE} = '${value}'`), [], value)
  }
  assert.equal(detect(`${VARIABLE} = '${liveSecret()}'`).length, 1)
  assert.equal(detect(`CUSTOMERIO_SITE_ID=${'a'.repeat(20)}`).length, 0)
})

test('an allow comment accepts the finding on its line (or the next), and only there', async (t) => {
  const repo = await tempRepo(t)
  const [a, b, c] = [liveSecret(), liveSecret(), liveSecret()]
  await repo.write(
    'test/fixtures.mjs',
    [
      `export const one = { ${VARIABLE}: '${a}' } // ${ALLOW}`,
      `// ${ALLOW_NEXT}: the parser test needs a real-looking value`,
      `export const two = { ${VARIABLE}: '${b}' }`,
      `export const three = { ${VARIABLE}: '${c}' }`,
      '',
    ].join('\n'),
  )
  await repo.commit('fixtures')
  const run = await audit([repo.dir, '--json'])
  assert.equal(run.code, 1, run.stdout)
  const files = checkOf(JSON.parse(run.stdout), 'secrets-in-files')
  assert.deepEqual(
    files.findings.map((f) => [f.line, f.accepted ?? 'active']),
    [
      [1, 'inline'],
      [3, 'inline'],
      [4, 'active'],
    ],
  )
  assert.match(files.summary, /^1 credential in 1 file: .*; 2 findings accepted \(2 inline\)$/)
  for (const secret of [a, b, c]) assert.ok(!run.stdout.includes(secret))
})

test('a baseline accepts a key in a past commit; --update-baseline writes it; a bad baseline is exit 2', async (t) => {
  const repo = await tempRepo(t)
  const secret = liveSecret()
  await repo.write('test/old.mjs', `export const key = { ${VARIABLE}: '${secret}' }\n`)
  await repo.commit('a fixture without a comment')
  await repo.remove('test/old.mjs')
  await repo.commit('gone from the files, not from history')

  const before = await audit([repo.dir])
  assert.equal(before.code, 1)
  assert.match(before.stdout, /FAIL {2}secrets-in-history/)

  const update = await audit([repo.dir, '--update-baseline'])
  assert.equal(update.code, 0, update.stdout)
  const baseline = JSON.parse(await readFile(join(repo.dir, '.customerio-security-baseline.json'), 'utf8'))
  assert.equal(baseline.version, 1)
  assert.equal(baseline.accepted.length, 1)
  assert.deepEqual(Object.keys(baseline.accepted[0]).sort(), ['file', 'fingerprint', 'masked', 'what'])
  assert.ok(!JSON.stringify(baseline).includes(secret), 'the baseline never holds the secret')

  const after = await audit([repo.dir])
  assert.equal(after.code, 0, after.stdout)
  assert.match(
    after.stdout,
    /PASS {2}secrets-in-history +no credentials in any commit of any ref; 1 finding accepted \(1 by the baseline\)/,
  )

  // Another key is not accepted by that baseline.
  await repo.write('src/config.mjs', `export const key = { ${VARIABLE}: '${liveSecret()}' }\n`)
  await repo.commit('a new key')
  assert.equal((await audit([repo.dir])).code, 1)

  await writeFile(join(repo.dir, 'other-baseline.json'), '{"version":1,"accepted":[{"fingerprint":"nope"}]}')
  const bad = await audit([repo.dir, '--baseline', join(repo.dir, 'other-baseline.json')])
  assert.equal(bad.code, 2)
  assert.match(bad.stderr, /32-hex "fingerprint"/)
  const missing = await audit([repo.dir, '--baseline', join(repo.dir, 'absent.json')])
  assert.equal(missing.code, 2)
})

test('--format sarif is valid SARIF 2.1.0, with locations, fingerprints and suppressions', async (t) => {
  const repo = await tempRepo(t)
  const [kept, accepted] = [liveSecret(), liveSecret()]
  await repo.write('.gitignore', '.env\n')
  await repo.write(
    'app/config.mjs',
    `export const a = { ${VARIABLE}: '${kept}' }\nexport const b = { ${VARIABLE}: '${accepted}' } // ${ALLOW}\n`,
  )
  await repo.commit('keys')
  const run = await audit([join(repo.dir, 'app'), '--format', 'sarif'])
  assert.equal(run.code, 1)
  const log = JSON.parse(run.stdout)

  const Ajv = require('ajv-draft-04')
  const addFormats = require('ajv-formats')
  const ajv = new Ajv({ allErrors: true, strict: false })
  addFormats(ajv)
  const schema = JSON.parse(await readFile(join(ROOT, '__test__', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'))
  const validate = ajv.compile(schema)
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2))
  // The validator does reject what is not SARIF.
  assert.equal(validate({ ...log, version: '2.0.0' }), false)

  const [run0] = log.runs
  assert.equal(run0.tool.driver.name, 'customerio-security')
  const results = run0.results.filter((r) => r.ruleId === 'secrets-in-files')
  assert.equal(results.length, 2)
  for (const [index, result] of results.entries()) {
    const location = result.locations[0].physicalLocation
    // Relative to the repository root, though the audit ran in app/.
    assert.equal(location.artifactLocation.uri, 'app/config.mjs')
    assert.equal(location.region.startLine, index + 1)
    assert.match(result.partialFingerprints['customerioSecurityFinding/v1'], /^[0-9a-f]{32}$/)
    assert.equal(run0.tool.driver.rules[result.ruleIndex].id, 'secrets-in-files')
  }
  assert.equal(results[0].suppressions, undefined)
  assert.equal(results[1].suppressions[0].kind, 'inSource')
  assert.ok(run0.invocations[0].toolExecutionNotifications.every((n) => typeof n.message.text === 'string'))
  for (const secret of [kept, accepted]) assert.ok(!run.stdout.includes(secret), 'SARIF never holds a secret')
})

test('this repository passes its own audit, and the manual shows that output', async (t) => {
  // A clone of the committed branch alone: other local branches and a work tree's edits are not
  // what a user clones.
  const dir = await mkdtemp(join(tmpdir(), 'cio-self-audit-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const git = (args, cwd) => promisify(execFile)('git', args, { cwd, env: { ...process.env, ...GIT_ENV } })
  const { stdout: head } = await git(['rev-parse', 'HEAD'], ROOT)
  await git(['clone', '-q', '--no-checkout', ROOT, join(dir, 'repo')], dir)
  await git(['checkout', '-q', head.trim()], join(dir, 'repo'))
  // Only the commits up to HEAD, as in a fresh clone of this branch.
  const { stdout: refs } = await git(['for-each-ref', '--format=%(refname)'], join(dir, 'repo'))
  for (const ref of refs.split('\n').filter(Boolean)) await git(['update-ref', '-d', ref], join(dir, 'repo'))

  const run = await runCli(['audit', '.'], {
    cwd: join(dir, 'repo'),
    env: { ...GIT_ENV, CUSTOMERIO_KEYS_ROTATED_AT: '' },
  })
  assert.equal(run.code, 0, run.stdout)
  // The README's example and docs/audit.md both show a run; each must be this one.
  const shown = pagesWith('```\n$ customerio-security audit .\n')
  assert.ok(
    shown.some((page) => page.path === 'README.md'),
    'the README shows a run of `customerio-security audit .`',
  )
  const numbersOff = (text) => text.replace(/\d+/g, 'N').trim()
  for (const page of shown) {
    const block = /```\n\$ customerio-security audit \.\n([\s\S]*?)```/.exec(page.text)
    assert.equal(numbersOff(block[1]), numbersOff(run.stdout), page.path)
    assert.ok(!/\/(?:tmp|home|Users|work)\//.test(block[1]), `no machine path in the output ${page.path} shows`)
  }
})
