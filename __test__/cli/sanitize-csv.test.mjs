// `customerio-security sanitize --format csv`: Customer.io's people import format, sanitized by
// column name with the rules sanitizeJson applies to the same key. RFC 4180 cases (quoted commas,
// doubled quotes, CRLF, line breaks inside quotes) in a fixture; the output checked against text
// written out by hand, and parsed back by Python's csv module (another parser) when it is there.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'

import { createSanitizer } from '../../index.js'
import { runCli, tempDir } from '../helpers/cli.mjs'
import { assertNoPii } from '../helpers/pii-records.mjs'

const FIXTURE = fileURLToPath(new URL('../fixtures/csv/people.csv', import.meta.url))
const sanitizer = createSanitizer()

/** What sanitizeJson makes of `{ [key]: value }`: the oracle for one cell. */
function jsonCell(key, value) {
  return JSON.parse(sanitizer.sanitizeJson(JSON.stringify({ [key]: value })))
}

const phoneHash = jsonCell('phone', '+15550009911').phone_hash
const ipHash = jsonCell('ip_address', '203.0.113.77').ip_address_hash

// Written out by hand from RFC 4180 (section 2): CRLF after each record; fields holding a comma,
// a double quote or a line break are quoted, and their quotes doubled. ssn and Password are
// dropped columns; phone and ip_address become <name>_hash; the card number in a note is redacted.
const EXPECTED =
  'id,email,first_name,phone_hash,note,ip_address_hash\r\n' +
  `u1,jane@example.com,Jane,${phoneHash},"paid with [REDACTED:card_number], thanks",${ipHash}\r\n` +
  'u2,li@example.com,"Li ""the"" Wei",,"line one\r\nline two",\r\n' +
  `u3,,"Zoë, Jr.",${phoneHash},"multi\nline, with ""quotes""",\r\n`

test('the fixture holds the RFC 4180 cases it claims to', async () => {
  const text = await readFile(FIXTURE, 'utf8')
  for (const piece of [
    '"Li ""the"" Wei"',
    '"line one\r\nline two"',
    '"Zoë, Jr."',
    '"multi\nline, with ""quotes"""',
    '\r\n',
  ]) {
    assert.ok(text.includes(piece), JSON.stringify(piece))
  }
})

test('columns by header: dropped ones removed, hashed ones renamed <name>_hash, detectors on every cell', async () => {
  for (const jobs of ['1', '2']) {
    const { code, stdout, stderr } = await runCli(['sanitize', '--format', 'csv', '--jobs', jobs, FIXTURE])
    assert.equal(code, 0)
    assert.equal(stdout, EXPECTED)
    assertNoPii(assert, stdout, 'stdout')
    assert.match(stderr, /3 records read, 3 written, 0 malformed/)
    assert.match(stderr, /dropped government_id: 2\n/)
    assert.match(stderr, /hashed phone: 2\n/)
    assert.match(stderr, /redacted detector:card_number: 1\n/)
  }
})

test('each output cell is what sanitizeJson makes of the same key and value', () => {
  assert.equal(jsonCell('ssn', '078-05-1120').ssn, undefined)
  assert.equal(jsonCell('Password', 'x').Password, undefined)
  assert.equal(
    jsonCell('note', 'paid with 4111 1111 1111 1111, thanks').note,
    'paid with [REDACTED:card_number], thanks',
  )
  assert.equal(jsonCell('first_name', 'Zoë, Jr.').first_name, 'Zoë, Jr.')
})

const python = spawnSync('python3', ['-c', 'import csv'], { encoding: 'utf8' })
const NO_PYTHON = python.status === 0 ? false : 'needs python3 (its csv module is the independent parser)'

test('the output parses back with Python csv to the rows expected', { skip: NO_PYTHON }, async () => {
  const { stdout } = await runCli(['sanitize', '--format', 'csv', FIXTURE])
  const parsed = spawnSync(
    'python3',
    [
      '-c',
      'import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin.buffer.read().decode("utf-8").splitlines(keepends=True)))))',
    ],
    { input: stdout, encoding: 'utf8' },
  )
  assert.equal(parsed.status, 0, parsed.stderr)
  assert.deepEqual(JSON.parse(parsed.stdout), [
    ['id', 'email', 'first_name', 'phone_hash', 'note', 'ip_address_hash'],
    ['u1', 'jane@example.com', 'Jane', phoneHash, 'paid with [REDACTED:card_number], thanks', ipHash],
    ['u2', 'li@example.com', 'Li "the" Wei', '', 'line one\r\nline two', ''],
    ['u3', '', 'Zoë, Jr.', phoneHash, 'multi\nline, with "quotes"', ''],
  ])
})

test('a row with the wrong number of fields: its row number and code, never its content', async () => {
  // Row 1 is the header; row 3 has a quoted line break, so rows and lines differ after it.
  const input = 'id,ssn,note\r\n1,078-05-1120,ok\r\n2,x,"two\r\nlines"\r\n3,078-05-1120\r\n4,x,fine\r\n5,a,b,c\r\n'
  const { code, stdout, stderr } = await runCli(['sanitize', '--format', 'csv', '--on-error', 'skip'], { input })
  assert.equal(code, 0)
  assert.equal(stdout, 'id,note\r\n1,ok\r\n2,"two\r\nlines"\r\n4,fine\r\n')
  assert.deepEqual(
    [...stderr.matchAll(/^customerio-security sanitize: row (\d+): (ERR_[A-Z_]+): /gm)].map((m) => [
      Number(m[1]),
      m[2],
    ]),
    [
      [4, 'ERR_CSV_FIELD_COUNT'],
      [6, 'ERR_CSV_FIELD_COUNT'],
    ],
  )
  assert.ok(!stderr.includes('078-05-1120'))
  assert.match(stderr, /5 records read, 3 written, 2 malformed \(skipped\)/)

  const stopped = await runCli(['sanitize', '--format', 'csv'], { input })
  assert.equal(stopped.code, 1)
  assert.equal(stopped.stdout, 'id,note\r\n1,ok\r\n2,"two\r\nlines"\r\n')
  assert.match(stopped.stderr, /\(stopped at row 4\)/)
})

test('gzip CSV in, -o FILE.csv.gz out, read back by node:zlib', async (t) => {
  const dir = await tempDir(t)
  const input = join(dir, 'people.csv.gz')
  await writeFile(input, gzipSync(await readFile(FIXTURE)))
  const output = join(dir, 'clean.csv.gz')
  const { code } = await runCli(['sanitize', '--format', 'csv', '-o', output, input])
  assert.equal(code, 0)
  assert.equal(gunzipSync(await readFile(output)).toString('utf8'), EXPECTED)
})

test('a header that is not UTF-8 ends the run at row 1', async () => {
  const input = Buffer.concat([Buffer.from('id,'), Buffer.from([0xff]), Buffer.from('\n1,2\n')])
  const { code, stdout, stderr } = await runCli(['sanitize', '--format', 'csv', '--on-error', 'skip'], { input })
  assert.equal(code, 1)
  assert.equal(stdout, '')
  assert.match(stderr, /row 1: ERR_INVALID_CSV: /)
})

test('--format must be ndjson or csv', async () => {
  const { code, stderr } = await runCli(['sanitize', '--format', 'tsv'], { input: '' })
  assert.equal(code, 2)
  assert.match(stderr, /--format must be 'ndjson' or 'csv'/)
})
