// The measuring side of benchmark/erasure.mjs, run as a child process under Node 22 (what
// customerio-node 5 supports): eraseMany with a real customerio-node client, a real journal and
// audit log in a temp dir, against the fake Track API served by the parent process. Prints one
// JSON line: per round, the ids and the wall time.
//
//   BENCH_TRACK_URL, BENCH_SITE_ID, BENCH_API_KEY: the parent's fake; BENCH_CONFIG: JSON options.

import { mkdtempSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const { openAuditLog } = require('../index.js')
const { eraseMany } = require('../lib/erasure/index.js')
const { TrackClient } = require('customerio-node')

const config = JSON.parse(process.env.BENCH_CONFIG)
const client = new TrackClient(process.env.BENCH_SITE_ID, process.env.BENCH_API_KEY, {
  url: process.env.BENCH_TRACK_URL,
  retry: { maxRetries: 0 },
})

async function round(tag, count, options) {
  const dir = mkdtempSync(join(tmpdir(), 'cio-erasure-bench-'))
  try {
    // A fixed benchmark key, never printed.
    const audit = openAuditLog(join(dir, 'audit.jsonl'), { key: 'erasure-benchmark-audit-key' })
    const ids = Array.from({ length: count }, (_, i) => `${tag}-${i}@bench.example`)
    const started = performance.now()
    const summary = await eraseMany(client, ids, {
      journal: join(dir, 'journal.jsonl'),
      audit,
      ratePerSecond: Infinity,
      ...options,
    })
    const ms = performance.now() - started
    await audit.close()
    if (summary.done !== count) throw new Error(`only ${summary.done} of ${count} done`)
    return { ids: count, ms }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const results = {}
for (const [name, options] of Object.entries(config.variants)) {
  await round(`warm-${name}`, config.warmup, options)
  results[name] = []
  for (let i = 0; i < config.rounds; i++) results[name].push(await round(`${name}-${i}`, config.ids, options))
}
process.stdout.write(`${JSON.stringify({ node: process.version, results })}\n`)
