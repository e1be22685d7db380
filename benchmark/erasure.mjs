// Bulk erasure throughput: eraseMany with the rate cap off against the local fake Track API
// (no faults), with a real fsync'd journal and audit log in a temp dir, so what is measured is
// the library (journal and audit group commits, retries bookkeeping, customerio-node's fetch),
// not Customer.io. The fake runs in this process and the client in a child process under
// Node 22 (customerio-node 5 declares engines node >= 22), so they do not share a core.
// Target from the issue: >= 500 erasures/s on this 2-core machine.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { formatTable, median } from './harness.mjs'
import { startFakeTrackApi } from '../__test__/helpers/fake-track-api.mjs'

export const name = 'erasure'
export const title = 'Bulk erasure (eraseMany, rate cap off, local fake Track API, fsync journal + audit log)'

const NODE22 = fileURLToPath(new URL('../node_modules/node22/bin/node', import.meta.url))
const WORKER = fileURLToPath(new URL('./erasure-worker.mjs', import.meta.url))
const TARGET_PER_SECOND = 500
const CONFIG = {
  ids: 3000,
  warmup: 500,
  rounds: 5,
  variants: {
    'suppress, concurrency 32': { concurrency: 32 },
    'suppress, concurrency 10 (default)': { concurrency: 10 },
    'batch API, 100 ids/request, concurrency 4': { useBatchApi: true, batchSize: 100, concurrency: 4 },
  },
}
const HEADLINE = 'suppress, concurrency 32'

export async function run() {
  const api = await startFakeTrackApi()
  let output
  try {
    output = await measure(api)
  } finally {
    await api.close()
  }
  const rows = Object.entries(output.results).map(([variant, rounds]) => {
    const rates = rounds.map((r) => (r.ids * 1000) / r.ms)
    return { variant, perSecond: median(rates), min: Math.min(...rates), max: Math.max(...rates), rounds }
  })
  const headline = rows.find((r) => r.variant === HEADLINE)
  const pass = headline.perSecond >= TARGET_PER_SECOND
  const lines = [
    '',
    ...formatTable(
      ['variant', 'erasures/s', 'min-max'],
      rows.map((r) => [r.variant, Math.round(r.perSecond), `${Math.round(r.min)}-${Math.round(r.max)}`]),
    ),
    '',
    `${CONFIG.ids} distinct ids per round, ${CONFIG.rounds} rounds after a ${CONFIG.warmup}-id warm-up; erasures/s: median (min-max) of the rounds.`,
    `Each id: journal "started" (fsync, group commit), POST suppress, audit record (fsync, group commit), journal "done".`,
    `Client: customerio-node with retry.maxRetries 0, in a child process under Node ${output.node}; the fake Track API in this`,
    `process (Node ${process.version}). Both on this machine: the fake's CPU time counts against the same 2 cores.`,
    '',
    'Target from the issue:',
    `  ${pass ? 'PASS' : 'FAIL'}  ${Math.round(headline.perSecond)} erasures/s with ${HEADLINE} (target >= ${TARGET_PER_SECOND}/s)`,
  ]
  return {
    lines,
    json: {
      config: CONFIG,
      clientNode: output.node,
      rows,
      targets: [{ target: `perSecond>=${TARGET_PER_SECOND}`, variant: HEADLINE, value: headline.perSecond, pass }],
    },
  }
}

function measure(api) {
  // customerio-node 5 needs Node >= 22: use the bundled Node 22 when this one is older.
  const node = Number(process.versions.node.split('.')[0]) >= 22 || !existsSync(NODE22) ? process.execPath : NODE22
  const child = spawn(node, [WORKER], {
    env: {
      ...process.env,
      BENCH_TRACK_URL: api.trackUrl,
      BENCH_SITE_ID: api.siteId,
      BENCH_API_KEY: api.apiKey,
      BENCH_CONFIG: JSON.stringify(CONFIG),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let stdout = ''
  child.stdout.on('data', (chunk) => (stdout += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the erasure benchmark worker exited with ${code}`))
      resolve(JSON.parse(stdout))
    })
  })
}
