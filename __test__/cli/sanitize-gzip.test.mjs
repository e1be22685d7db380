// Gzip in and out of `customerio-security sanitize`, checked against node:zlib: input recognised
// by its magic bytes (whatever the file is called), `-o FILE.gz` read back by gunzip, and broken
// gzip reported by code and line, never by content.
import { test } from 'node:test'
import { spawnSync } from 'node:child_process'
import assert from 'node:assert/strict'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { gunzipSync, gzipSync } from 'node:zlib'

import { runCli, tempDir } from '../helpers/cli.mjs'
import { bulkCorpus } from '../helpers/bulk-corpus.mjs'
import { assertNoPii } from '../helpers/pii-records.mjs'

const corpus = bulkCorpus(3000)
const hasGunzip = spawnSync('gunzip', ['--version']).status === 0

test('gzip input (node:zlib, any file name) gives the same output as the plain file', async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'export.data')
  await writeFile(file, gzipSync(corpus.text))
  const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', 'skip', '--jobs', '2', file])
  assert.equal(code, 0)
  assert.ok(stdout === corpus.expected)
  assert.deepEqual(
    [...stderr.matchAll(/line (\d+): (ERR_[A-Z_]+)/g)].map(([, line, code]) => ({ line: Number(line), code })),
    corpus.bad,
  )
})

test('concatenated gzip members (pigz, cat a.gz b.gz) are read as one stream, from stdin too', async () => {
  const cut = corpus.text.indexOf('\n', corpus.text.length >> 1) + 1
  const input = Buffer.concat([gzipSync(corpus.text.slice(0, cut)), gzipSync(corpus.text.slice(cut))])
  const { code, stdout } = await runCli(['sanitize', '--on-error', 'skip'], { input })
  assert.equal(code, 0)
  assert.ok(stdout === corpus.expected)
})

test('-o FILE.gz writes gzip that node:zlib reads back to the plain output; -o FILE writes it plain', async (t) => {
  const dir = await tempDir(t)
  const input = join(dir, 'in.ndjson')
  await writeFile(input, corpus.text)
  const files = []
  for (const jobs of ['1', '3']) {
    const gz = join(dir, `out${jobs}.ndjson.gz`)
    files.push(gz)
    const { code, stdout } = await runCli(['sanitize', '--on-error', 'skip', '--jobs', jobs, '-o', gz, input])
    assert.equal(code, 0)
    assert.equal(stdout, '', 'nothing on stdout with -o')
    const written = await readFile(gz)
    assert.deepEqual([...written.subarray(0, 2)], [0x1f, 0x8b])
    assert.ok(gunzipSync(written).toString('utf8') === corpus.expected, `--jobs ${jobs}`)
    // And the gzip command reads the members as one file.
    if (hasGunzip) {
      const gunzip = spawnSync('gunzip', ['-c', gz], { maxBuffer: 64 * 1024 * 1024 })
      assert.equal(gunzip.status, 0)
      assert.ok(gunzip.stdout.toString('utf8') === corpus.expected)
    }
  }
  // Compressed in fixed blocks of output, so the file is the same whatever --jobs is.
  const [one, three] = await Promise.all(files.map((file) => readFile(file)))
  assert.ok(one.equals(three), 'the same .gz bytes with --jobs 1 and --jobs 3')
  const plain = join(dir, 'out.ndjson')
  const { code } = await runCli(['sanitize', '--on-error', 'skip', '--output', plain, input])
  assert.equal(code, 0)
  assert.ok((await readFile(plain, 'utf8')) === corpus.expected)
})

test('an empty input to -o FILE.gz is still a valid (empty) gzip file', async (t) => {
  const gz = join(await tempDir(t), 'empty.gz')
  const { code } = await runCli(['sanitize', '-o', gz], { input: '' })
  assert.equal(code, 0)
  assert.equal(gunzipSync(await readFile(gz)).length, 0)
})

test('a truncated gzip file: the lines before the cut are out, then ERR_TRUNCATED_GZIP at the next line, exit 1', async (t) => {
  const text =
    bulkCorpus(2000)
      .lines.filter((line, i) => i % 401 !== 400 && i % 977 !== 976)
      .join('\n') + '\n'
  const gz = gzipSync(text)
  const file = join(await tempDir(t), 'cut.ndjson.gz')
  await writeFile(file, gz.subarray(0, Math.floor(gz.length * 0.6)))
  for (const onError of ['stop', 'skip']) {
    const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', onError, file])
    assert.equal(code, 1, onError)
    const written = stdout.split('\n').length - 1
    assert.ok(written > 0, 'the complete lines before the cut are written')
    const match = /line (\d+): ERR_TRUNCATED_GZIP: /.exec(stderr)
    assert.ok(match, 'ERR_TRUNCATED_GZIP reported')
    // Blank lines are not written; the error names the first line not read whole.
    const linesBefore = Number(match[1]) - 1
    assert.ok(
      linesBefore >= written &&
        text
          .split('\n')
          .slice(0, linesBefore)
          .filter((l) => l.trim() !== '').length === written,
    )
    assertNoPii(assert, stderr, 'stderr')
  }
})

test('data that starts like gzip but is not: ERR_INVALID_GZIP at line 1, exit 1, nothing quoted', async () => {
  const input = Buffer.concat([
    Buffer.from([0x1f, 0x8b, 0x08, 0x00]),
    Buffer.from('078-05-1120 4111 1111 1111 1111'.repeat(50)),
  ])
  const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', 'skip'], { input })
  assert.equal(code, 1)
  assert.equal(stdout, '')
  assert.match(stderr, /^customerio-security sanitize: line 1: ERR_INVALID_GZIP: /m)
  assert.match(stderr, /0 records read, 0 written, 0 malformed \(stopped at line 1\)/)
  assertNoPii(assert, stderr, 'stderr')
})

test('a corrupt block in the middle: ERR_INVALID_GZIP (or its checksum), never a crash', async () => {
  const gz = gzipSync(corpus.text)
  const middle = gz.length >> 1
  gz.fill(0x55, middle, middle + 64)
  const { code, signal, stderr } = await runCli(['sanitize', '--on-error', 'skip'], { input: gz })
  assert.equal(signal, null)
  assert.equal(code, 1)
  assert.match(stderr, /line \d+: ERR_INVALID_GZIP: /)
})

test('-o into a directory that does not exist: exit 2 before reading anything', async (t) => {
  const target = join(await tempDir(t), 'missing', 'out.gz')
  const { code, stderr } = await runCli(['sanitize', '-o', target], { input: '{"a":1}\n' })
  assert.equal(code, 2)
  assert.match(stderr, /cannot write .*out\.gz: no such file or directory/)
})

test('-o FILE.gz of a run that stops holds every record written before the stop, as plain output does', async (t) => {
  const dir = await tempDir(t)
  const input = join(dir, 'stop.ndjson')
  // 2,000 valid lines (sanitized ones: valid JSON), then one that is not JSON: --on-error stop
  // (the default) ends the run there.
  const valid = corpus.expected.split('\n').filter(Boolean).slice(0, 2000)
  const text = `${valid.join('\n')}\n{oops\n`
  await writeFile(input, text)
  const plain = await runCli(['sanitize', input])
  assert.equal(plain.code, 1)
  for (const jobs of ['1', '2']) {
    const gz = join(dir, `stop${jobs}.ndjson.gz`)
    const { code } = await runCli(['sanitize', '--jobs', jobs, '-o', gz, input])
    assert.equal(code, 1)
    assert.ok(gunzipSync(await readFile(gz)).toString('utf8') === plain.stdout, `--jobs ${jobs}`)
  }
  assert.equal(plain.stdout.split('\n').length, 2001, 'the 2,000 lines before the stop')
  // Gzip input that turns to garbage after a valid member: the lines before it are all there.
  const broken = join(dir, 'broken.ndjson.gz')
  await writeFile(broken, Buffer.concat([gzipSync(corpus.text), Buffer.from('not gzip at all')]))
  const plainBroken = await runCli(['sanitize', '--on-error', 'skip', broken])
  const gz = join(dir, 'broken.out.gz')
  const { code } = await runCli(['sanitize', '--on-error', 'skip', '-o', gz, broken])
  assert.equal(code, 1)
  assert.ok(plainBroken.stdout.length > 0)
  assert.ok(gunzipSync(await readFile(gz)).toString('utf8') === plainBroken.stdout)
})
