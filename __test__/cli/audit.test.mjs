// `customerio-security audit` on temporary git repositories made by the test (real git, real
// commits): a clean repository passes; a key committed and later deleted is found in history
// with its commit; a tracked .env fails; outside git the files are still scanned; and the
// secret itself is never printed, in text or --json, on stdout or stderr.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'

import { runCli } from '../helpers/cli.mjs'
import { GIT_ENV, tempRepo, tempTree } from '../helpers/git-repo.mjs'

const hex = (bytes) => randomBytes(bytes).toString('hex')
const DAY_MS = 24 * 60 * 60 * 1000

function daysAgo(days) {
  return new Date(Date.now() - days * DAY_MS).toISOString().slice(0, 10)
}

/** Runs the audit with a recent rotation date unless the test gives one. */
function audit(args, env = {}) {
  return runCli(['audit', ...args], { env: { ...GIT_ENV, CUSTOMERIO_KEYS_ROTATED_AT: daysAgo(10), ...env } })
}

async function auditJson(dir, env) {
  const run = await audit([dir, '--json'], env)
  return { ...run, report: JSON.parse(run.stdout) }
}

function check(report, id) {
  return report.checks.find((c) => c.id === id)
}

function assertNotPrinted(run, secrets) {
  for (const secret of secrets) {
    assert.ok(!run.stdout.includes(secret), 'a secret was printed on stdout')
    assert.ok(!run.stderr.includes(secret), 'a secret was printed on stderr')
  }
}

const APP = `import { customerioWebhook, secureTrackClient } from 'customerio-security'
import { TrackClient } from 'customerio-node'
export const cio = secureTrackClient(new TrackClient(process.env.CUSTOMERIO_SITE_ID, process.env.CUSTOMERIO_TRACK_API_KEY))
export const hook = customerioWebhook({ secret: () => process.env.CUSTOMERIO_WEBHOOK_SECRET.split(',') })
`

async function cleanRepo(t) {
  const repo = await tempRepo(t)
  await repo.write('.gitignore', '.env\n.env.*\n!.env.example\n')
  await repo.write('.env.example', 'CUSTOMERIO_SITE_ID=\nCUSTOMERIO_TRACK_API_KEY=<your key>\n')
  await repo.write('src/app.mjs', APP)
  await repo.write('README.md', '# service\nChecksum: ' + hex(16) + '\n')
  await repo.commit('initial')
  return repo
}

test('a clean repository passes every check, exit 0', async (t) => {
  const repo = await cleanRepo(t)
  // A local .env with real values exists, but it is ignored: that is the right setup.
  const key = hex(10)
  await repo.write('.env', `CUSTOMERIO_TRACK_API_KEY=${key}\n`)
  const { code, report, stdout, stderr } = await auditJson(repo.dir)
  assert.equal(code, 0, stdout)
  assert.equal(report.ok, true)
  assert.deepEqual(
    report.checks.map((c) => [c.id, c.status]),
    [
      ['git-repository', 'pass'],
      ['env-files', 'pass'],
      ['secrets-in-files', 'pass'],
      ['secrets-in-history', 'pass'],
      ['credential-age', 'pass'],
      ['webhook-verification', 'pass'],
      ['pii-sanitization', 'pass'],
    ],
  )
  assert.deepEqual(report.counts, { pass: 7, warn: 0, fail: 0 })
  assertNotPrinted({ stdout, stderr }, [key])
  const text = await audit([repo.dir])
  assert.equal(text.code, 0)
  assert.match(text.stdout, /^7 passed, 0 warnings, 0 failed$/m)
})

test('a key committed and later deleted is found in history, with its file, line and commit, masked', async (t) => {
  const repo = await cleanRepo(t)
  const siteId = hex(10)
  const apiKey = hex(10)
  await repo.write(
    'src/config.mjs',
    `// temporary\nexport const cio = new TrackClient(\n  '${siteId}',\n  '${apiKey}',\n)\n`,
  )
  const added = await repo.commit('add config')
  await repo.remove('src/config.mjs')
  await repo.commit('remove config')

  const { code, report, stdout, stderr } = await auditJson(repo.dir)
  assert.equal(code, 1)
  assert.equal(check(report, 'secrets-in-files').status, 'pass')
  const history = check(report, 'secrets-in-history')
  assert.equal(history.status, 'fail')
  assert.deepEqual(
    history.findings.map((f) => [f.file, f.line, f.commit, f.masked, f.stillInFiles]).sort((a, b) => a[1] - b[1]),
    [
      ['src/config.mjs', 3, added, `${siteId.slice(0, 4)}****`, false],
      ['src/config.mjs', 4, added, `${apiKey.slice(0, 4)}****`, false],
    ],
  )
  assert.match(history.summary, /2 no longer in the files/)
  assertNotPrinted({ stdout, stderr }, [siteId, apiKey])

  const text = await audit([repo.dir])
  assert.equal(text.code, 1)
  assert.match(
    text.stdout,
    new RegExp(
      `src/config\\.mjs:4 in commit ${added.slice(0, 12)}: site id or Track API key \\(20 hex\\) ${apiKey.slice(0, 4)}\\*\\*\\*\\* \\(deleted since\\)`,
    ),
  )
  assertNotPrinted(text, [siteId, apiKey])
})

test('history means every ref: a key on another branch, a Basic header, an App key as Bearer', async (t) => {
  const repo = await cleanRepo(t)
  const basic = Buffer.from(`${hex(10)}:${hex(10)}`).toString('base64')
  const appKey = hex(16)
  await repo.git('checkout', '-q', '-b', 'experiment')
  await repo.write(
    'scripts/call.sh',
    `curl -H "Authorization: Basic ${basic}" https://example.test\ncurl -H "Authorization: Bearer ${appKey}" https://example.test\n`,
  )
  const commit = await repo.commit('experiment')
  await repo.git('checkout', '-q', 'main')

  const { code, report, stdout } = await auditJson(repo.dir)
  assert.equal(code, 1)
  const findings = check(report, 'secrets-in-history').findings
  assert.deepEqual(
    findings.map((f) => [f.file, f.line, f.commit, f.kind]),
    [
      ['scripts/call.sh', 1, commit, 'basic-auth'],
      ['scripts/call.sh', 2, commit, 'bearer'],
    ],
  )
  assert.equal(check(report, 'secrets-in-files').status, 'pass', 'not in the checked-out files')
  assertNotPrinted({ stdout, stderr: '' }, [basic, appKey])
})

test('a tracked .env fails, and the key in it is found in the files and in history', async (t) => {
  const repo = await tempRepo(t)
  const key = hex(10)
  const site = hex(10)
  await repo.write('.env', `CUSTOMERIO_SITE_ID=${site}\nCUSTOMERIO_TRACK_API_KEY="${key}"\nCUSTOMERIO_REGION=eu\n`)
  await repo.write('src/app.mjs', APP)
  await repo.commit('oops')

  const { code, report, stdout, stderr } = await auditJson(repo.dir)
  assert.equal(code, 1)
  const env = check(report, 'env-files')
  assert.equal(env.status, 'fail')
  assert.match(env.details[0], /^tracked: \.env /)
  const files = check(report, 'secrets-in-files')
  assert.equal(files.status, 'fail')
  assert.deepEqual(
    files.findings.map((f) => [f.file, f.line, f.what, f.masked]),
    [
      ['.env', 1, 'CUSTOMERIO_SITE_ID assignment', `${site.slice(0, 4)}****`],
      ['.env', 2, 'CUSTOMERIO_TRACK_API_KEY assignment', `${key.slice(0, 4)}****`],
    ],
  )
  assert.equal(
    check(report, 'secrets-in-history').findings.every((f) => f.stillInFiles),
    true,
  )
  assertNotPrinted({ stdout, stderr }, [key, site])
  const text = await audit([repo.dir])
  assert.match(text.stdout, /^FAIL {2}env-files +/m)
  assertNotPrinted(text, [key, site])
})

test('an .env that is neither tracked nor ignored fails; no ignore rule for .env at all warns', async (t) => {
  const repo = await tempRepo(t)
  await repo.write('src/app.mjs', APP)
  await repo.commit('initial')
  const warn = check((await auditJson(repo.dir)).report, 'env-files')
  assert.equal(warn.status, 'warn')
  await repo.write('config/.env.production', `CUSTOMERIO_TRACK_API_KEY=${hex(10)}\n`)
  const { code, report } = await auditJson(repo.dir)
  assert.equal(code, 1)
  assert.deepEqual(check(report, 'env-files').details, [
    "not ignored: config/.env.production (add it to .gitignore before a 'git add .' commits it)",
  ])
})

test('credential age: within 90 days passes, overdue warns, twice overdue fails, missing warns, bad or future dates fail', async (t) => {
  const repo = await cleanRepo(t)
  const status = async (env, args = []) => {
    const run = await audit([repo.dir, '--json', ...args], env)
    return [run.code, check(JSON.parse(run.stdout), 'credential-age').status]
  }
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: daysAgo(89) }), [0, 'pass'])
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: daysAgo(120) }), [0, 'warn'])
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: daysAgo(200) }), [1, 'fail'])
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: '' }), [0, 'warn'])
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: 'last spring' }), [1, 'fail'])
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: daysAgo(-30) }), [1, 'fail'])
  assert.deepEqual(await status({ CUSTOMERIO_KEYS_ROTATED_AT: daysAgo(40) }, ['--max-age-days', '30']), [0, 'warn'])
})

test('no webhook verification or sanitization in the code: warnings, exit 0', async (t) => {
  const repo = await tempRepo(t)
  await repo.write('.gitignore', '.env\n')
  await repo.write('index.js', "console.log('hello')\n")
  await repo.commit('initial')
  const { code, report } = await auditJson(repo.dir)
  assert.equal(code, 0)
  assert.equal(check(report, 'webhook-verification').status, 'warn')
  assert.equal(check(report, 'pii-sanitization').status, 'warn')
})

test('outside git: a clear warning, the files are still scanned from disk', async (t) => {
  const tree = await tempTree(t)
  const key = hex(10)
  await tree.write('app/settings.yml', `customerio:\n  track_api_key: ${key}\n`)
  await tree.write('node_modules/dep/index.js', `const cio_key = '${hex(10)}'\n`)
  const { code, report, stdout } = await auditJson(tree.dir)
  assert.equal(code, 1)
  const repo = check(report, 'git-repository')
  assert.equal(repo.status, 'warn')
  assert.match(repo.summary, /^not a git repository \(git: fatal: not a git repository/)
  assert.equal(check(report, 'secrets-in-history').status, 'warn')
  assert.equal(check(report, 'env-files').status, 'warn')
  const files = check(report, 'secrets-in-files')
  assert.deepEqual(
    files.findings.map((f) => [f.file, f.line]),
    [['app/settings.yml', 2]],
    'node_modules is skipped',
  )
  assert.ok(!stdout.includes(key))
})

test('bounded output: many findings are cut in text and counted, all listed (masked) in --json', async (t) => {
  const repo = await tempRepo(t)
  const keys = Array.from({ length: 30 }, () => hex(10))
  await repo.write('keys.txt', keys.map((k, i) => `cio key ${i}: ${k}`).join('\n') + '\n')
  await repo.commit('keys')
  const text = await audit([repo.dir, '--no-history'])
  assert.equal(text.code, 1)
  assert.match(text.stdout, /^ {6}\.\.\. and 10 more \(--json lists up to 500\)$/m)
  assert.match(text.stdout, /^WARN {2}secrets-in-history +skipped \(--no-history\)$/m)
  const { report, stdout } = await auditJson(repo.dir)
  assert.equal(check(report, 'secrets-in-files').findings.length, 30)
  assert.equal(check(report, 'secrets-in-history').findings.length, 30)
  assertNotPrinted({ stdout: text.stdout + stdout, stderr: text.stderr }, keys)
})

test('a repository without commits, and a subdirectory of a repository', async (t) => {
  const empty = await tempRepo(t)
  await empty.write('.gitignore', '.env\n')
  const first = await auditJson(empty.dir)
  assert.equal(check(first.report, 'secrets-in-history').status, 'pass', first.stdout)

  const repo = await cleanRepo(t)
  const key = hex(10)
  await repo.write('other/config.js', `const cioKey = '${key}'\n`)
  await repo.commit('other')
  const sub = await auditJson(`${repo.dir}/src`)
  assert.equal(check(sub.report, 'secrets-in-history').status, 'pass', 'only the subdirectory is scanned')
  const whole = await auditJson(repo.dir)
  assert.equal(check(whole.report, 'secrets-in-history').status, 'fail')
})

test('usage: --help, a DIR that does not exist, two DIRs', async (t) => {
  const help = await runCli(['audit', '--help'])
  assert.equal(help.code, 0)
  assert.match(help.stdout, /^Usage: customerio-security audit/)
  const tree = await tempTree(t)
  const missing = await runCli(['audit', `${tree.dir}/nope`])
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /is not a directory/)
  assert.equal((await runCli(['audit', tree.dir, tree.dir])).code, 2)
  assert.equal((await runCli(['audit', '--max-age-days', '0'])).code, 2)
})
