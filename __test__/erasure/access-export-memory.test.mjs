// A person with 100,000 message deliveries is exported in bounded memory: the pages go to disk as
// they arrive. Measured as the child's peak resident set (VmHWM from /proc), not as time, and
// with a V8 heap far too small to hold the 100,000 deliveries (about 30 MB as JSON text alone).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { readFileSync, statSync, createReadStream } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { startFakeAppApi } from '../helpers/fake-app-api.mjs'
import { tempDir } from '../helpers/app-api.mjs'
import { SKIP_NODE20 } from '../helpers/erasure.mjs'
import { collect } from '../helpers/cli.mjs'

const CHILD = fileURLToPath(new URL('../helpers/export-child.mjs', import.meta.url))
const PEAK = fileURLToPath(new URL('../helpers/peak-rss.cjs', import.meta.url))

async function exportInChild(t, api, personId) {
  const out = await tempDir(t)
  const peakFile = join(out, 'peak')
  const child = spawn(process.execPath, ['--max-old-space-size=24', '--require', PEAK, CHILD], {
    env: {
      ...process.env,
      APP_KEY: api.key,
      BASE_URL: api.urls.us,
      PERSON_ID: personId,
      OUT_DIR: out,
      PEAK_RSS_FILE: peakFile,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const result = await collect(child)
  assert.equal(result.code, 0, result.stderr)
  return { counts: JSON.parse(result.stdout), peakKiB: Number(readFileSync(peakFile, 'utf8')), out }
}

test('100,000 deliveries: exported completely, with a peak RSS close to a 1,000-delivery export', {
  skip: SKIP_NODE20,
  timeout: 120_000,
}, async (t) => {
  const api = await startFakeAppApi()
  t.after(() => api.close())
  api.addPerson({ id: 'small', email: 'small@example.com', deliveries: 1_000, activities: 10 })
  api.addPerson({ id: 'big', email: 'big@example.com', deliveries: 100_000, activities: 10 })
  const small = await exportInChild(t, api, 'small')
  const big = await exportInChild(t, api, 'big')
  assert.equal(big.counts.deliveries, 100_000)
  const json = join(big.out, 'person-export-mem.json')
  const bytes = statSync(json).size
  assert.ok(bytes > 25 * 1024 * 1024, `the export is ${bytes} bytes`)
  // Every delivery is in the file, in order (read line by line: the test must not hold it all either).
  let seen = 0
  for await (const line of createInterface({ input: createReadStream(json) })) {
    if (line.startsWith('{"id":"dlv')) {
      assert.equal(JSON.parse(line.replace(/\]?,?$/, '')).subject, `Newsletter #${seen}`)
      seen++
    }
  }
  assert.equal(seen, 100_000)
  const growthMiB = (big.peakKiB - small.peakKiB) / 1024
  t.diagnostic(
    `peak RSS: 1,000 deliveries ${Math.round(small.peakKiB / 1024)} MiB, 100,000 deliveries ${Math.round(big.peakKiB / 1024)} MiB; export file ${Math.round(bytes / 1048576)} MiB`,
  )
  // Holding the deliveries would need well over 100 MiB of objects (and would not fit the 24 MB heap).
  assert.ok(growthMiB < 40, `peak RSS grew by ${growthMiB.toFixed(1)} MiB for 99,000 more deliveries`)
})
