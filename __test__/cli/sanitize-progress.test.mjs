// The progress line of `customerio-security sanitize`: drawn on stderr only when stderr is a
// terminal (and stdout is not: records printed to the terminal would be drawn over). A real
// pseudo-terminal comes from util-linux `script`; without it, only the formatter is tested.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { createSanitizer } from '../../index.js'
import reportModule from '../../lib/cli/report.js'
import { BIN, collect, outputLines, runCli, tempDir } from '../helpers/cli.mjs'
import { piiNdjson } from '../helpers/pii-records.mjs'

const { formatProgress } = reportModule

const scriptVersion = spawnSync('script', ['--version'], { encoding: 'utf8' })
const hasScript = scriptVersion.status === 0 && scriptVersion.stdout.includes('util-linux')
const NO_PTY = hasScript ? false : 'needs util-linux `script` for a pseudo-terminal'

function shellQuote(text) {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

/** Runs `sanitize` with its stderr (and stdin) on a pseudo-terminal; resolves the terminal's text. */
async function onPty(args, { stdoutFile } = {}) {
  let command = [process.execPath, BIN, 'sanitize', ...args].map(shellQuote).join(' ')
  if (stdoutFile !== undefined) command += ` > ${shellQuote(stdoutFile)}`
  // -q: no "Script started" banner; -e: exit with the command's status; -c: run it.
  const child = spawn('script', ['-qec', command, '/dev/null'], { stdio: ['ignore', 'pipe', 'pipe'] })
  return collect(child)
}

async function inputFile(t, records) {
  const file = join(await tempDir(t), 'in.ndjson')
  const text = piiNdjson(records)
  await writeFile(file, text)
  return { file, text }
}

test('the progress line: records and records/s, never Infinity', () => {
  assert.equal(formatProgress(5000, 2000), 'sanitize: 5000 records, 2500 records/s')
  assert.equal(formatProgress(10, 0), 'sanitize: 10 records, 10000 records/s')
  assert.equal(formatProgress(0, 0), 'sanitize: 0 records, 0 records/s')
})

test('stderr on a terminal, stdout to a file: a progress line drawn with \\r, then the summary', {
  skip: NO_PTY,
}, async (t) => {
  const { file, text } = await inputFile(t, 30)
  const outFile = join(await tempDir(t), 'out.ndjson')

  const { code, stdout: terminal } = await onPty([file], { stdoutFile: outFile })

  assert.equal(code, 0)
  assert.match(terminal, /\rsanitize: \d+ records, \d+ records\/s/)
  assert.match(terminal, /30 records read, 30 written, 0 malformed/)
  const sanitizer = createSanitizer()
  const expected = text
    .trimEnd()
    .split('\n')
    .map((line) => sanitizer.sanitizeJson(line))
  assert.deepEqual(outputLines(await readFile(outFile, 'utf8')), expected)
})

test('no progress line with --quiet on a terminal', { skip: NO_PTY }, async (t) => {
  const { file } = await inputFile(t, 5)
  const outFile = join(await tempDir(t), 'out.ndjson')
  const { code, stdout: terminal } = await onPty(['--quiet', file], { stdoutFile: outFile })
  assert.equal(code, 0)
  assert.ok(!terminal.includes('records/s'), 'no progress line')
  assert.ok(!terminal.includes('records read'), 'no summary')
})

test('no progress line when the records go to the terminal too', { skip: NO_PTY }, async (t) => {
  const { file } = await inputFile(t, 5)
  const { code, stdout: terminal } = await onPty([file])
  assert.equal(code, 0)
  assert.ok(!terminal.includes('records/s'), 'no progress line')
  assert.match(terminal, /5 records read, 5 written/)
})

test('no progress line when stderr is not a terminal (a pipe)', async (t) => {
  const { file } = await inputFile(t, 5)
  const { code, stderr } = await runCli(['sanitize', file])
  assert.equal(code, 0)
  assert.ok(!stderr.includes('records/s') && !stderr.includes('\r'), 'no progress line')
  assert.match(stderr, /5 records read, 5 written/)
})
