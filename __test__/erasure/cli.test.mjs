// `customerio-security erase` and `audit-log` as child processes: bad options, environment and
// files are refused before anything is sent (the fake Track API's record stays empty), exit
// codes follow the usage text, and no output ever holds a secret or a raw id.

import { describe, test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { formatAuditHead, openAuditLog } from '../../index.js'
import { runCli, tempDir } from '../helpers/cli.mjs'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
import { AUDIT_KEY, SKIP_NODE20, makeIds, paths, successfulSuppressions } from '../helpers/erasure.mjs'

let api
before(async () => {
  api = await startFakeTrackApi()
})
after(() => api.close())
beforeEach(() => api.reset())

function env(overrides = {}) {
  return {
    CUSTOMERIO_SITE_ID: api.siteId,
    CUSTOMERIO_TRACK_API_KEY: api.apiKey,
    CUSTOMERIO_AUDIT_KEY: AUDIT_KEY,
    CUSTOMERIO_TRACK_URL: api.trackUrl,
    ...overrides,
  }
}

/** Neither a credential nor any of `ids` appears in what the CLI printed. */
function assertNothingLeaked(result, ids = []) {
  const output = result.stdout + result.stderr
  for (const secret of [api.apiKey, AUDIT_KEY]) assert.ok(!output.includes(secret), 'a secret was printed')
  for (const id of ids) assert.ok(!output.includes(id), 'a raw id was printed')
}

async function setup(t, ids = makeIds(5)) {
  const dir = await tempDir(t)
  const files = paths(dir)
  writeFileSync(files.ids, `${ids.join('\n')}\n`)
  return {
    dir,
    files,
    ids,
    args: ['erase', '--ids', files.ids, '--journal', files.journal, '--audit', files.audit, '--rate', 'off'],
  }
}

describe('erase: refused before anything is sent', () => {
  test('missing required options: exit 2, naming the option', async (t) => {
    const { files } = await setup(t)
    for (const [args, needle] of [
      [['erase', '--journal', files.journal, '--audit', files.audit], '--ids FILE is required'],
      [['erase', '--ids', files.ids, '--audit', files.audit], '--journal FILE is required'],
      [['erase', '--ids', files.ids, '--journal', files.journal], '--audit FILE is required'],
    ]) {
      const result = await runCli(args, { env: env() })
      assert.equal(result.code, 2)
      assert.match(result.stderr, new RegExp(needle))
    }
    assert.equal(api.requests.length, 0)
  })

  test('bad option values: exit 2', async (t) => {
    const { args } = await setup(t)
    for (const extra of [
      ['--mode', 'delete'],
      ['--rate', 'fast'],
      ['--rate', '-5'],
      ['--concurrency', '0'],
      ['--concurrency', '2.5'],
      ['--max-attempts', 'x'],
      ['--region', 'asia'],
      ['--unknown'],
    ]) {
      const result = await runCli([...args, ...extra], { env: env() })
      assert.equal(result.code, 2, extra.join(' '))
    }
    assert.equal(api.requests.length, 0)
  })

  test('missing or malformed credentials: exit 2, naming the variable and never a value', async (t) => {
    const { args, ids } = await setup(t)
    const cases = [
      [{ CUSTOMERIO_SITE_ID: undefined }, /CUSTOMERIO_SITE_ID is not set/],
      [{ CUSTOMERIO_TRACK_API_KEY: '' }, /CUSTOMERIO_TRACK_API_KEY is not set/],
      [{ CUSTOMERIO_AUDIT_KEY: undefined }, /CUSTOMERIO_AUDIT_KEY is not set/],
      [
        { CUSTOMERIO_TRACK_API_KEY: `${api.apiKey}x` },
        /ERR_INVALID_CREDENTIAL: CUSTOMERIO_TRACK_API_KEY must be 20 hex characters/,
      ],
      [
        { CUSTOMERIO_SITE_ID: 'x', CUSTOMERIO_TRACK_API_KEY: 'y' },
        /CUSTOMERIO_SITE_ID must be 20 hex.*; CUSTOMERIO_TRACK_API_KEY must be 20 hex/,
      ],
      [{ CUSTOMERIO_REGION: 'mars' }, /CUSTOMERIO_REGION must be 'us' or 'eu'/],
      [{ CUSTOMERIO_TRACK_URL: 'http://track-proxy.example.net/api/v1' }, /CUSTOMERIO_TRACK_URL must be https/],
      [{ CUSTOMERIO_AUDIT_KEY: ` ${AUDIT_KEY}` }, /CUSTOMERIO_AUDIT_KEY has leading or trailing whitespace/],
      [{ CUSTOMERIO_TRACK_URL: `not a url ${api.apiKey}` }, /CUSTOMERIO_TRACK_URL is not a URL/],
      [
        { CUSTOMERIO_TRACK_URL: `http://${api.siteId}:${api.apiKey}@127.0.0.1:${api.port}/api/v1` },
        /CUSTOMERIO_TRACK_URL must not contain a user or password/,
      ],
      [{ CUSTOMERIO_TRACK_URL: `${api.url}/api/v2` }, /CUSTOMERIO_TRACK_URL must end with \/api\/v1/],
    ]
    for (const [overrides, message] of cases) {
      const childEnv = env(overrides)
      // An undefined value is inherited from this process: remove it for real.
      for (const [name, value] of Object.entries(overrides)) if (value === undefined) childEnv[name] = ''
      const result = await runCli(args, { env: childEnv })
      assert.equal(result.code, 2)
      assert.match(result.stderr, message)
      assertNothingLeaked(result, ids)
    }
    assert.equal(api.requests.length, 0)
  })

  test('blank and too-long ids: exit 2, listed by line number, never quoted', async (t) => {
    const long = `${'z'.repeat(140)}~too.long@example.com`
    const ids = ['a~1', 'b~2', '', 'c~3', long, '   ', 'd~4']
    const { args } = await setup(t, ids)
    const result = await runCli(args, { env: env() })
    assert.equal(result.code, 2)
    assert.match(result.stderr, /has 3 invalid lines; nothing was sent/)
    assert.match(result.stderr, /line 3: blank id/)
    assert.match(result.stderr, /line 5: id longer than 150 bytes/)
    assert.match(result.stderr, /line 6: blank id/)
    assertNothingLeaked(result, [long, 'a~1', 'd~4'])
    assert.equal(api.requests.length, 0)
  })

  test('an unreadable, empty or missing ids file: exit 2', async (t) => {
    const { dir, args } = await setup(t)
    const at = args.indexOf('--ids') + 1
    mkdirSync(join(dir, 'folder'))
    writeFileSync(join(dir, 'empty.txt'), '')
    for (const [file, message] of [
      [join(dir, 'nope.txt'), /no such file/],
      [join(dir, 'folder'), /it is a directory/],
      [join(dir, 'empty.txt'), /holds no ids/],
    ]) {
      const changed = args.slice()
      changed[at] = file
      const result = await runCli(changed, { env: env() })
      assert.equal(result.code, 2)
      assert.match(result.stderr, message)
    }
    assert.equal(api.requests.length, 0)
  })

  test('an unreadable or damaged journal: exit 2, a clear coded error', async (t) => {
    const { dir, args, files, ids } = await setup(t)
    const at = args.indexOf('--journal') + 1
    mkdirSync(join(dir, 'journal-dir'))
    writeFileSync(join(dir, 'damaged.jsonl'), '{"journal":"customerio-security-erasure","v":1}\n{oops\n{"d":"a"}\n')
    for (const [journal, message] of [
      [join(dir, 'journal-dir'), /ERR_JOURNAL_UNREADABLE: cannot read the journal .*it is a directory/],
      [join(dir, 'damaged.jsonl'), /ERR_JOURNAL_(CORRUPT|MISMATCH)/],
      [files.ids, /ERR_JOURNAL_CORRUPT: .*not an erasure journal/],
    ]) {
      const changed = args.slice()
      changed[at] = journal
      const result = await runCli(changed, { env: env() })
      assert.equal(result.code, 2, result.stderr)
      assert.match(result.stderr, message)
      assertNothingLeaked(result, ids)
    }
    assert.equal(readFileSync(files.ids, 'utf8'), `${ids.join('\n')}\n`)
    assert.equal(api.requests.length, 0)
  })

  test('an audit log that does not verify under the key: exit 2, nothing sent', async (t) => {
    const { args, files } = await setup(t)
    const audit = openAuditLog(files.audit, { key: 'a-different-key' })
    await audit.append({ requestId: 'r', subject: 'someone', receivedAt: 0, actions: [], outcome: 'done' })
    await audit.close()
    const result = await runCli(args, { env: env() })
    assert.equal(result.code, 2)
    assert.match(result.stderr, /the audit log .*ERR_AUDIT_LOG_INVALID/)
    assert.equal(api.requests.length, 0)
  })
})

describe('erase: runs against the fake Track API', { skip: SKIP_NODE20 }, () => {
  test('all done: exit 0, the head printed, no id or secret in the output', async (t) => {
    const { args, ids } = await setup(t, makeIds(40))
    const result = await runCli(args, { env: env() })
    assert.equal(result.code, 0, result.stderr)
    assert.match(result.stdout, /40 done, 0 failed, 0 skipped/)
    assert.match(result.stdout, /audit log head: 40:[0-9a-f]{64}/)
    // Not a terminal: plain progress lines, no carriage returns.
    assert.match(result.stderr, /^erase: 40\/40 \(100%\): 40 done/m)
    assert.ok(!result.stderr.includes('\r'))
    assertNothingLeaked(result, ids)
    for (const id of ids) assert.equal(successfulSuppressions(api, id), 1)
  })

  test('some failed: exit 1, listed by line number and subject hash, never by value', async (t) => {
    const { args, ids } = await setup(t, makeIds(12))
    for (const i of [3, 9])
      api.fault({ path: `/api/v1/customers/${encodeURIComponent(ids[i])}/suppress`, status: 400, times: Infinity })
    const result = await runCli([...args, '--max-attempts', '2'], { env: env() })
    assert.equal(result.code, 1)
    assert.match(result.stdout, /10 done, 2 failed/)
    assert.match(result.stdout, /line 4 \(subject [0-9a-f]{64}\): suppress: http 400/)
    assert.match(result.stdout, /line 10 \(subject [0-9a-f]{64}\): suppress: http 400/)
    assertNothingLeaked(result, ids)
    // A second run retries only the two: exit 1 again, the others skipped.
    const again = await runCli(args, { env: env() })
    assert.equal(again.code, 1)
    assert.match(again.stdout, /0 done, 2 failed, 10 skipped/)
  })

  test('--batch and --mode suppress-and-destroy reach the fake as batch operations', async (t) => {
    const { args, ids } = await setup(t, makeIds(30))
    const result = await runCli([...args, '--batch', '--batch-size', '10', '--mode', 'suppress-and-destroy'], {
      env: env(),
    })
    assert.equal(result.code, 0, result.stderr)
    assert.ok(api.requests.every((r) => r.path === '/api/v2/batch'))
    for (const id of ids) assert.ok(api.suppressed.has(id))
    assertNothingLeaked(result, ids)
  })
})

describe('audit-log verify and head', () => {
  async function auditFile(t, records = 3) {
    const dir = await tempDir(t)
    const file = join(dir, 'audit.jsonl')
    const audit = openAuditLog(file, { key: AUDIT_KEY })
    for (let i = 0; i < records; i++) {
      await audit.append({
        requestId: `r${i}`,
        subject: `s~${i}`,
        receivedAt: 0,
        actions: [{ action: 'suppress', status: 200, attempts: 1 }],
        outcome: 'done',
      })
    }
    const head = formatAuditHead(audit.head())
    await audit.close()
    return { file, head }
  }

  test('a valid log: exit 0; head prints SEQ:MAC; --head with it passes', async (t) => {
    const { file, head } = await auditFile(t)
    const verify = await runCli(['audit-log', 'verify', file], { env: env() })
    assert.equal(verify.code, 0)
    assert.match(verify.stdout, /^valid: .* 3 records verified; head 3:[0-9a-f]{64}\n$/)
    const printed = await runCli(['audit-log', 'head', file], { env: env() })
    assert.equal(printed.code, 0)
    assert.equal(printed.stdout, `${head}\n`)
    const anchored = await runCli(['audit-log', 'verify', file, '--head', head], { env: env() })
    assert.equal(anchored.code, 0)
    assertNothingLeaked(anchored)
  })

  test('an edited record: exit 1, naming its line', async (t) => {
    const { file } = await auditFile(t)
    const lines = readFileSync(file, 'utf8').split('\n')
    lines[1] = lines[1].replace('"outcome":"done"', '"outcome":"failed"')
    writeFileSync(file, lines.join('\n'))
    const result = await runCli(['audit-log', 'verify', file], { env: env() })
    assert.equal(result.code, 1)
    assert.match(result.stdout, /^INVALID: .*record at line 2: BAD_MAC/)
    const head = await runCli(['audit-log', 'head', file], { env: env() })
    assert.equal(head.code, 1)
    assert.equal(head.stdout.includes('INVALID'), true)
  })

  test('a truncated log against its saved head: exit 1', async (t) => {
    const { file, head } = await auditFile(t)
    const lines = readFileSync(file, 'utf8').split('\n')
    writeFileSync(file, `${lines.slice(0, 2).join('\n')}\n`)
    const alone = await runCli(['audit-log', 'verify', file], { env: env() })
    assert.equal(alone.code, 0, 'without the head, a cut-off tail cannot be seen')
    const anchored = await runCli(['audit-log', 'verify', file, '--head', head], { env: env() })
    assert.equal(anchored.code, 1)
    assert.match(anchored.stdout, /TRUNCATED/)
  })

  test('the wrong key reads as tampering; usage errors exit 2', async (t) => {
    const { file } = await auditFile(t)
    const wrong = await runCli(['audit-log', 'verify', file], { env: env({ CUSTOMERIO_AUDIT_KEY: 'not-the-key' }) })
    assert.equal(wrong.code, 1)
    assertNothingLeaked(wrong)
    for (const [args, extra] of [
      [['audit-log', 'verify', file], { CUSTOMERIO_AUDIT_KEY: '' }],
      [['audit-log', 'verify'], {}],
      [['audit-log', 'check', file], {}],
      [['audit-log', 'verify', file, '--head', 'latest'], {}],
      [['audit-log', 'verify', `${file}.missing`], {}],
    ]) {
      const result = await runCli(args, { env: env(extra) })
      assert.equal(result.code, 2, args.join(' '))
      assertNothingLeaked(result)
    }
  })
})

test('erase reads the Track credentials as loadCredentials does: a trailing newline is trimmed with a warning', async (t) => {
  const { args, ids } = await setup(t, makeIds(2))
  const result = await runCli(args, {
    env: env({ CUSTOMERIO_TRACK_API_KEY: `${api.apiKey}\n`, CUSTOMERIO_REGION: 'eu' }),
  })
  assert.equal(result.code, 0, result.stderr)
  assert.match(
    result.stderr,
    /warning: CUSTOMERIO_TRACK_API_KEY had surrounding whitespace or a trailing newline; it was trimmed/,
  )
  assert.ok(api.requests.length >= 2, 'the erasures were sent with the trimmed key')
  assertNothingLeaked(result, ids)
})
