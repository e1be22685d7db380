// `customerio-security sanitize --jobs N`: every N gives, byte for byte, what one thread gives, and
// what sanitizeJson gives line by line; the failing lines are named by their exact numbers.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { runCli, tempDir } from '../helpers/cli.mjs'
import { bulkCorpus } from '../helpers/bulk-corpus.mjs'
import { assertNoPii } from '../helpers/pii-records.mjs'

const corpus = bulkCorpus(6000)

async function corpusFile(t) {
  const file = join(await tempDir(t), 'in.ndjson')
  await writeFile(file, corpus.text)
  return file
}

/** The line numbers and codes the CLI reported on stderr. */
function reported(stderr) {
  return [...stderr.matchAll(/^customerio-security sanitize: line (\d+): (ERR_[A-Z_]+): /gm)].map(([, line, code]) => ({
    line: Number(line),
    code,
  }))
}

test('the corpus is big enough to be cut into parts, and has failing lines of two kinds', () => {
  assert.ok(corpus.text.length > 3 * 1024 * 1024)
  assert.ok(corpus.bad.some((bad) => bad.code === 'ERR_INVALID_JSON'))
  assert.ok(corpus.bad.some((bad) => bad.code === 'ERR_MAX_DEPTH'))
})

test('--jobs 1, 2, 3 and 8 under --on-error skip: the same bytes, equal to sanitizeJson per line, the same line numbers', async (t) => {
  const file = await corpusFile(t)
  const runs = []
  for (const jobs of ['1', '2', '3', '8']) {
    const { code, stdout, stderr } = await runCli(['sanitize', '--on-error', 'skip', '--jobs', jobs, file])
    assert.equal(code, 0, `--jobs ${jobs}`)
    runs.push({ jobs, stdout, stderr })
  }
  for (const { jobs, stdout, stderr } of runs) {
    assert.ok(stdout === corpus.expected, `--jobs ${jobs}: the output differs from sanitizeJson line by line`)
    assert.deepEqual(reported(stderr), corpus.bad, `--jobs ${jobs}`)
    assert.equal(stderr, runs[0].stderr, `--jobs ${jobs}: stderr differs from --jobs 1`)
    assertNoPii(assert, stderr, 'stderr')
  }
  const records = corpus.lines.filter((line) => line.trim() !== '').length
  assert.match(
    runs[0].stderr,
    new RegExp(
      `${records} records read, ${records - corpus.bad.length} written, ${corpus.bad.length} malformed \\(skipped\\)`,
    ),
  )
})

test('--on-error stop with --jobs 4: stops at the first failing line, with exactly the lines before it', async (t) => {
  const file = await corpusFile(t)
  const first = corpus.bad[0].line
  const before = bulkCorpus(first - 1).expected
  for (const jobs of ['1', '4']) {
    const { code, stdout, stderr } = await runCli(['sanitize', '--jobs', jobs, file])
    assert.equal(code, 1)
    assert.ok(stdout === before, `--jobs ${jobs}: the output is not the lines before line ${first}`)
    assert.deepEqual(reported(stderr), [corpus.bad[0]])
    assert.match(stderr, new RegExp(`malformed \\(stopped at line ${first}\\)`))
  }
})

test('stdin in small chunks gives the same bytes as the file', async (t) => {
  const file = await corpusFile(t)
  const { code, stdout } = await runCli(['sanitize', '--on-error', 'skip', '--jobs', '2'], { input: { file } })
  assert.equal(code, 0)
  assert.ok(stdout === corpus.expected)
})

test('--jobs must be a whole number from 1 to 256', async () => {
  for (const jobs of ['0', '-1', '1.5', 'all', '257', '']) {
    const { code, stderr } = await runCli(['sanitize', '--jobs', jobs], { input: '' })
    assert.equal(code, 2, jobs)
    assert.match(stderr, /--jobs must be a whole number from 1 to 256|Run 'customerio-security sanitize --help'/)
  }
})
