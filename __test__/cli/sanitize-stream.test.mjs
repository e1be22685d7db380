// `customerio-security sanitize` on big inputs: a 20 MB stream through stdin, one line far longer
// than a read chunk, and a reader that goes away early (`| head`). No timing is asserted: these
// check that the stream completes with every record accounted for.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { createSanitizer } from '../../index.js'
import { BIN, collect, outputLines, runCli, tempDir } from '../helpers/cli.mjs'
import { assertNoPii, piiNdjson } from '../helpers/pii-records.mjs'

const sanitizer = createSanitizer()
const TWENTY_MB = 20 * 1024 * 1024

/** At least 20 MB of NDJSON records, written to a temp file. */
async function bigInput(t) {
  const parts = []
  let size = 0
  for (let start = 0; size < TWENTY_MB; start += 1000) {
    const part = piiNdjson(1000, start)
    parts.push(part)
    size += part.length
  }
  const text = parts.join('')
  const file = join(await tempDir(t), 'big.ndjson')
  await writeFile(file, text)
  return { file, text, size }
}

test('20 MB through stdin: every record out, in order, equal to sanitizeJson', async (t) => {
  const { file, text, size } = await bigInput(t)
  assert.ok(size >= TWENTY_MB)
  const lines = text.trimEnd().split('\n')

  const { code, stdout, stderr } = await runCli(['sanitize'], { input: { file } })

  assert.equal(code, 0)
  const out = outputLines(stdout)
  assert.equal(out.length, lines.length)
  // Compared one by one: a 20 MB deepEqual diff would be unreadable (and full of test PII).
  for (let i = 0; i < lines.length; i++) {
    assert.ok(out[i] === sanitizer.sanitizeJson(lines[i]), `output line ${i + 1} differs from sanitizeJson`)
  }
  assert.match(stderr, new RegExp(`${lines.length} records read, ${lines.length} written, 0 malformed`))
  assertNoPii(assert, stdout, 'stdout')
})

test('a 6 MB line spanning many read chunks, between two short ones', async (t) => {
  const long = JSON.stringify({
    bio: 'x'.repeat(6 * 1024 * 1024),
    ssn: '078-05-1120',
    note: `card 4111 1111 1111 1111 ${'é'.repeat(1000)}`,
  })
  const lines = ['{"a":1}', long, '{"phone":"+15550009911"}']
  const file = join(await tempDir(t), 'long.ndjson')
  await writeFile(file, `${lines.join('\r\n')}\r\n`)

  const { code, stdout } = await runCli(['sanitize', '--quiet', file])

  assert.equal(code, 0)
  const out = outputLines(stdout)
  assert.equal(out.length, 3)
  lines.forEach((line, i) => {
    assert.ok(out[i] === sanitizer.sanitizeJson(line), `line ${i + 1} differs`)
  })
  assertNoPii(assert, stdout, 'stdout')
})

test('a reader that stops early (| head): the CLI ends quietly with exit 0', async (t) => {
  const { file } = await bigInput(t)
  const child = spawn(process.execPath, [BIN, 'sanitize', file], { stdio: ['ignore', 'pipe', 'pipe'] })
  // Close our end after the first output: the CLI's next write fails with EPIPE.
  child.stdout.once('data', () => child.stdout.destroy())

  const { code, signal, stderr } = await collect(child)

  assert.equal(signal, null)
  assert.equal(code, 0)
  assert.ok(!/EPIPE|Error|internal/.test(stderr), 'no error or stack on stderr')
  // It stopped at the broken pipe: a run that went on writing into it would end with a summary.
  assert.ok(!stderr.includes('records read'), 'no summary after the reader left')
})
