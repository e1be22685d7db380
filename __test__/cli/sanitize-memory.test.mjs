// Memory bounded by the line, whatever it holds. The shape that used to abort the process: one
// long key with a card number after card number under it, where a change report copied the full
// path for every change. Each run is a child process with a small V8 heap
// (--max-old-space-size=32) whose peak RSS is read from /proc/self/status (VmHWM) at exit, and
// compared with a bound proportional to the line (no timing is asserted).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { BIN, collect, tempDir } from '../helpers/cli.mjs'

const PRELOAD = fileURLToPath(new URL('../helpers/peak-rss.cjs', import.meta.url))
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const HAS_PROC = await readFile('/proc/self/status', 'utf8').then(
  (text) => text.includes('VmHWM'),
  () => false,
)
const NO_PROC = HAS_PROC ? false : 'needs /proc/self/status (Linux)'

/** Runs `args` (after node's own flags) in a child with a 32 MB heap; its peak RSS in bytes. */
async function measured(dir, args) {
  const peakFile = join(dir, `peak-${Math.random().toString(36).slice(2)}`)
  const child = spawn(process.execPath, ['--max-old-space-size=32', '--require', PRELOAD, ...args], {
    cwd: ROOT,
    env: { ...process.env, PEAK_RSS_FILE: peakFile },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const result = await collect(child)
  return { ...result, peak: Number(await readFile(peakFile, 'utf8')) * 1024 }
}

/** `{"<1 MiB key>":["4111111111111111", ...]}`: ~`megabytes` MB, one card number per 19 bytes. */
function cardsUnderALongKey(megabytes) {
  const key = 'k'.repeat(1 << 20)
  const count = Math.floor(((megabytes - 1) * 1024 * 1024) / 19)
  return `{"${key}":[${Array(count).fill('"4111111111111111"').join(',')}]}`
}

test('the CLI on an 8 MB line of card numbers under a 1 MiB key: done, peak RSS within 4x the line', {
  skip: NO_PROC,
}, async (t) => {
  const dir = await tempDir(t)
  const tiny = join(dir, 'tiny.ndjson')
  await writeFile(tiny, '{"a":1}\n')
  const line = cardsUnderALongKey(8)
  const file = join(dir, 'long.ndjson')
  await writeFile(file, `{"a":1}\n${line}\n{"ssn":"078-05-1120","b":2}\n`)

  const baseline = await measured(dir, [BIN, 'sanitize', tiny])
  const run = await measured(dir, [BIN, 'sanitize', '-o', join(dir, 'out.ndjson'), file])

  assert.equal(run.signal, null)
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stderr, /3 records read, 3 written, 0 malformed/)
  assert.match(run.stderr, new RegExp(`redacted detector:card_number: ${Math.floor((7 * 1024 * 1024) / 19)}\\n`))
  const out = (await readFile(join(dir, 'out.ndjson'), 'utf8')).split('\n')
  assert.equal(out[2], '{"b":2}')
  const bound = baseline.peak + 4 * line.length + 8 * 1024 * 1024
  assert.ok(run.peak <= bound, `peak RSS ${run.peak} > ${bound} (baseline ${baseline.peak}, line ${line.length})`)
})

test('sanitizeJsonWithReport on the same line: a capped report (omitted counts the rest), memory within 4x', {
  skip: NO_PROC,
}, async (t) => {
  const dir = await tempDir(t)
  const file = join(dir, 'line.json')
  await writeFile(file, cardsUnderALongKey(8))
  const script = `
    const { readFileSync } = require('node:fs')
    const { createSanitizer } = require('./index.js')
    const text = readFileSync(${JSON.stringify(file)})
    const { report } = createSanitizer().sanitizeJsonWithReport(text)
    const pathBytes = report.changes.reduce((sum, change) => sum + change.path.length, 0)
    console.log(JSON.stringify({ listed: report.changes.length, omitted: report.omitted, pathBytes, size: text.length }))`
  const baseline = await measured(dir, ['-e', "require('./index.js')"])
  const run = await measured(dir, ['-e', script])
  assert.equal(run.code, 0, run.stderr)
  const { listed, omitted, pathBytes, size } = JSON.parse(run.stdout)
  assert.equal(listed + omitted, Math.floor((7 * 1024 * 1024) / 19) + 2)
  assert.ok(omitted > 0)
  assert.ok(pathBytes <= size, `the listed paths take ${pathBytes} bytes, more than the input`)
  const bound = baseline.peak + 4 * size + 8 * 1024 * 1024
  assert.ok(run.peak <= bound, `peak RSS ${run.peak} > ${bound}`)
})

test('a line whose output would outgrow the bound is ERR_OUTPUT_TOO_LARGE at its number; the others go through', async (t) => {
  // Each one-digit number under a hashed key becomes a 16-character digest: 9x the input.
  const dir = await tempDir(t)
  const file = join(dir, 'grow.ndjson')
  await writeFile(
    file,
    `{"a":1}\n{"ip":[${Array(1 << 20)
      .fill(1)
      .join(',')}]}\n{"b":2}\n`,
  )
  const { code, stdout, stderr } = await collect(
    spawn(process.execPath, [BIN, 'sanitize', '--on-error', 'skip', file], { stdio: ['ignore', 'pipe', 'pipe'] }),
  )
  assert.equal(code, 0)
  assert.equal(stdout, '{"a":1}\n{"b":2}\n')
  assert.match(stderr, /^customerio-security sanitize: line 2: ERR_OUTPUT_TOO_LARGE: /m)
})
