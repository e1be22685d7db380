// `customerio-security sanitize`: the real bin as a child process, on temp files and on stdin.
// The oracle for every output line is the library's own JSON sanitizer on the same line, so the
// CLI must add nothing and lose nothing; the leak checks look at stdout and stderr alike.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { createSanitizer } from '../../index.js'
import { outputLines, runCli, tempDir } from '../helpers/cli.mjs'
import { assertNoPii, piiNdjson, piiRecord } from '../helpers/pii-records.mjs'

const sanitizer = createSanitizer()

/** What the CLI must print for these input lines: one sanitized line each, in order. */
function expectedLines(lines) {
  return lines.map((line) => sanitizer.sanitizeJson(line))
}

// A clean result only means something if the check can fail.
test('the leak check finds every never-send and raw hash-field value', () => {
  const raw = JSON.stringify(piiRecord(0))
  assert.throws(() => assertNoPii(assert, raw, 'probe'), /appears in probe/)
  for (const value of ['078051120', '4111-1111-1111-1111', '+15550009911']) {
    assert.throws(() => assertNoPii(assert, `x ${value} y`, 'probe'), /appears in probe/, value)
  }
})

test('a file: each output line is valid JSON equal to sanitizeJson of its input line', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'in.ndjson')
  const text = piiNdjson(50)
  await writeFile(file, text)

  const { code, stdout, stderr } = await runCli(['sanitize', file])

  assert.equal(code, 0)
  const lines = outputLines(stdout)
  assert.deepEqual(lines, expectedLines(text.trimEnd().split('\n')))
  for (const line of lines) assert.equal(typeof JSON.parse(line), 'object')
  assertNoPii(assert, stdout, 'stdout')
  assertNoPii(assert, stderr, 'stderr')
})

test('stdin (no FILE, and FILE "-") gives the same output as the file', async () => {
  const text = piiNdjson(20)
  const expected = expectedLines(text.trimEnd().split('\n'))
  for (const args of [['sanitize'], ['sanitize', '-']]) {
    const { code, stdout, stderr } = await runCli(args, { input: text })
    assert.equal(code, 0, args.join(' '))
    assert.deepEqual(outputLines(stdout), expected, args.join(' '))
    assertNoPii(assert, stderr, 'stderr')
  }
})

test('the summary counts records and changes by action and rule, and where, as the reports say', async () => {
  const text = piiNdjson(7)
  const expected = new Map()
  const expectedAt = new Map()
  const add = (map, name, n = 1) => map.set(name, (map.get(name) ?? 0) + n)
  for (const line of text.trimEnd().split('\n')) {
    for (const { action, rule, path } of sanitizer.sanitizeJsonWithReport(line).report.changes) {
      add(expected, `${action} ${rule}`)
      // A pattern is the report's path without its array indices.
      add(expectedAt, `${action} ${rule} at ${path.replace(/\[\d+\]/g, '[]')}`)
    }
  }

  const { code, stderr } = await runCli(['sanitize'], { input: text })

  assert.equal(code, 0)
  assert.match(stderr, /7 records read, 7 written, 0 malformed/)
  const counted = new Map()
  const countedAt = new Map()
  let rule
  for (const [, indent, name, count] of stderr.matchAll(/^( {2}| {6}at )(\S.*): (\d+)$/gm)) {
    if (indent === '  ') {
      rule = name
      counted.set(name, Number(count))
    } else countedAt.set(`${rule} at ${name}`, Number(count))
  }
  assert.deepEqual(counted, expected)
  assert.ok(counted.get('dropped government_id') >= 7, 'the SSN drops are counted')
  // Every pattern is listed when a rule has at most five.
  assert.deepEqual(countedAt, expectedAt)
})

test('summary patterns: keys that look like personal data are <redacted>, control characters cannot reach the terminal', async () => {
  const records = [
    { contacts: { 'jane@example.com': { phone: '+15550100' } } },
    { contacts: { '+1 555 0100 222': { phone: '+15550101' } } },
    { contacts: { cust_8812: { phone: '+15550102' } } },
    { 'bidi\u202eexe.txt': { ssn: '078-05-1120' } },
    { 'evil\u001b[2J\nfake line': { ssn: '078-05-1120' } },
    { items: [{ ssn: '1' }, { ssn: '2' }] },
  ]
  const { code, stderr } = await runCli(['sanitize'], { input: records.map((r) => JSON.stringify(r)).join('\n') })
  assert.equal(code, 0)
  assert.match(stderr, /^ {6}at contacts\.<redacted>\.phone: 3$/m)
  assert.match(stderr, /^ {6}at "bidi\\u202eexe\.txt\.ssn": 1$/m)
  assert.match(stderr, /^ {6}at items\[\]\.ssn: 2$/m)
  assert.match(stderr, /^ {6}at "evil\\u001b\[2J\\u000afake line\.ssn": 1$/m)
  assert.ok(!stderr.includes('jane@example.com') && !stderr.includes('555 0100'), 'no personal key is printed')
  assert.ok(!stderr.includes('\u001b') && !stderr.includes('\u202e'), 'no escape or bidi character reaches stderr')
  assert.ok(!stderr.includes('8812'), 'an id as a key is not printed')
})

test('--quiet: the same output, and nothing on stderr', async () => {
  const text = piiNdjson(5)
  const { code, stdout, stderr } = await runCli(['sanitize', '--quiet'], { input: text })
  assert.equal(code, 0)
  assert.deepEqual(outputLines(stdout), expectedLines(text.trimEnd().split('\n')))
  assert.equal(stderr, '')
})

test('\\r\\n and \\n endings, blank lines, a BOM and a last line without newline', async () => {
  const [a, b, c] = [0, 1, 2].map((i) => JSON.stringify(piiRecord(i)))
  const input = `\uFEFF${a}\r\n\r\n  \n${b}\n\n${c}`

  const { code, stdout, stderr } = await runCli(['sanitize'], { input })

  assert.equal(code, 0)
  // Blank lines are skipped (documented): three records in, three lines out, \n only.
  assert.deepEqual(outputLines(stdout), expectedLines([a, b, c]))
  assert.ok(!stdout.includes('\r'), 'no \\r in the output')
  assert.match(stderr, /3 records read, 3 written, 0 malformed/)
})

/** Five lines; the third is broken and holds never-send values, which must not be echoed. */
function withMalformedLine3() {
  const good = [0, 1, 3, 4].map((i) => JSON.stringify(piiRecord(i)))
  const broken = JSON.stringify(piiRecord(2)).slice(0, -20)
  return { good, input: `${good[0]}\n${good[1]}\n${broken}\n${good[2]}\n${good[3]}\n` }
}

test('--on-error skip: line 3 is reported by number and code, left out, and the run goes on (exit 0)', async () => {
  const { good, input } = withMalformedLine3()

  const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', 'skip'], { input })

  assert.equal(code, 0)
  assert.deepEqual(outputLines(stdout), expectedLines(good))
  assert.match(stderr, /^customerio-security sanitize: line 3: ERR_INVALID_JSON: /m)
  assert.match(stderr, /5 records read, 4 written, 1 malformed \(skipped\)/)
  assertNoPii(assert, stderr, 'stderr')
})

test('--on-error stop (the default): stops at line 3 with exit 1, after writing lines 1-2', async () => {
  const { good, input } = withMalformedLine3()
  for (const args of [['sanitize'], ['sanitize', '--on-error=stop']]) {
    const { code, stdout, stderr } = await runCli(args, { input })

    assert.equal(code, 1, args.join(' '))
    assert.deepEqual(outputLines(stdout), expectedLines(good.slice(0, 2)))
    assert.match(stderr, /^customerio-security sanitize: line 3: ERR_INVALID_JSON: /m)
    assert.match(stderr, /3 records read, 2 written, 1 malformed \(stopped at line 3\)/)
    assertNoPii(assert, stderr, 'stderr')
  }
})

test('--quiet still reports each malformed line (never silently)', async () => {
  const { input } = withMalformedLine3()
  for (const onError of ['skip', 'stop']) {
    const { code, stderr } = await runCli(['sanitize', '--quiet', '--on-error', onError], { input })
    assert.equal(code, onError === 'skip' ? 0 : 1)
    assert.match(stderr, /^customerio-security sanitize: line 3: ERR_INVALID_JSON: /m)
    assert.ok(!stderr.includes('records read'), 'no summary')
  }
})

test('a line the policy refuses (too deep) counts as malformed too', async () => {
  const deep = `${'['.repeat(100)}${']'.repeat(100)}`
  const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', 'skip'], { input: `{"a":1}\n${deep}\n` })
  assert.equal(code, 0)
  assert.deepEqual(outputLines(stdout), ['{"a":1}'])
  assert.match(stderr, /line 2: ERR_MAX_DEPTH: /)
})

test('a line that is not UTF-8 is reported, not repaired', async () => {
  const input = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff]), Buffer.from('"}\n{"b":2}\n')])
  const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', 'skip'], { input })
  assert.equal(code, 0)
  assert.deepEqual(outputLines(stdout), ['{"b":2}'])
  assert.match(stderr, /line 1: ERR_INVALID_JSON: /)
})

test('a missing input file: a clear error, nothing on stdout, exit 2', async (t) => {
  const missing = join(await tempDir(t), 'nope.ndjson')
  const { code, stdout, stderr } = await runCli(['sanitize', missing])
  assert.equal(code, 2)
  assert.equal(stdout, '')
  assert.ok(stderr.includes(`cannot read ${missing}: no such file or directory`), 'names the file and the cause')
})

test('a directory as input: exit 2', async (t) => {
  const { code, stderr } = await runCli(['sanitize', await tempDir(t)])
  assert.equal(code, 2)
  assert.match(stderr, /it is a directory/)
})

test('bad flags: exit 2 with a pointer to --help', async () => {
  for (const args of [['--on-error', 'ignore'], ['--bogus'], ['a.ndjson', 'b.ndjson']]) {
    const { code, stdout, stderr } = await runCli(['sanitize', ...args], { input: '' })
    assert.equal(code, 2, args.join(' '))
    assert.equal(stdout, '')
    assert.match(stderr, /Run 'customerio-security sanitize --help' for usage\./)
  }
})

test('sanitize --help documents the flags, on stdout, exit 0', async () => {
  for (const flag of ['--help', '-h']) {
    const { code, stdout } = await runCli(['sanitize', flag])
    assert.equal(code, 0)
    assert.match(stdout, /^Usage: customerio-security sanitize \[options\] \[FILE\]/)
    for (const option of ['--policy FILE', '--on-error stop|skip', '--quiet', 'keyEnv', 'Exit status']) {
      assert.ok(stdout.includes(option), `--help mentions ${option}`)
    }
  }
})
