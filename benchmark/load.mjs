// Load, verdicts and memory of a webhook receiver: the example receiver's Express 5 app with our
// customerioWebhook() and with the guide's hand-written middleware (load-server.mjs), each in
// its own server process, driven by autocannon from this process (one core each on a 2-core
// machine). Every delivery is one of three kinds, cycled per connection:
//   valid   signed with the receiver's key, timestamp now           -> must be 200
//   forged  signed with another key                                 -> must be 401
//   stale   a genuine signature captured an hour ago, replayed now  -> must be 401
// Each response is counted by kind and status, so "zero wrong answers" covers every request.
// Memory: RSS and heap (after a forced GC) once 10k requests were served, and again at 100k.
//
//   node benchmark/run.mjs --only load      or      node benchmark/load.mjs
//
// Bounded: 100k requests per contender, and each autocannon run is stopped after CAP_SECONDS.

import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'

import autocannon from 'autocannon'

import { formatTable } from './harness.mjs'
import { signWebhook } from '../index.js'

export const name = 'load'
export const title = 'Webhook receiver under load (Express 5, autocannon over 127.0.0.1, every verdict checked)'

const SERVER = fileURLToPath(new URL('./load-server.mjs', import.meta.url))
const CONFIG = {
  connections: 10,
  first: 10_000,
  total: 100_000,
  capSeconds: 40,
  // Per cycle of 8 requests on a connection: 6 valid (distinct events), 1 forged, 1 stale.
  valid: 6,
  forged: 1,
  stale: 1,
  staleAgeSeconds: 3600,
}
const CONTENDERS = {
  ours: 'customerioWebhook()',
  guide: "guide's hand-written (express.raw + node:crypto)",
}
const EXPECTED = { valid: 200, forged: 401, stale: 401 }
// Memory must not grow with the number of requests. Two bounds, checked at 100k against 10k:
// - RSS(100k) <= RSS(10k) * 1.1 + 8 MB. RSS moves with allocator and V8 heuristics, not only with
//   what is retained (here ~100 MB, varying by up to ~7 MB either way between readings): 10% + 8 MB
//   absorbs that, while a leak of 200 bytes a request (90k more requests: 17 MB) breaks it.
// - heapUsed(100k) <= heapUsed(10k) + 4 MB, read after a forced GC, so only live objects count:
//   that catches a leak of ~45 bytes a request, one small object per delivery kept forever.
const RSS_FACTOR = 1.1
const RSS_SLACK = 8 * 1024 * 1024
const HEAP_SLACK = 4 * 1024 * 1024

function event(i) {
  return {
    event_id: `01LOADTEST${String(i).padStart(16, '0')}`,
    object_type: 'email',
    metric: 'delivered',
    timestamp: 1_700_000_000 + i,
    data: {
      identifiers: { id: `user-${i}`, email: `user${i}@example.com`, cio_id: `cio_${i}` },
      recipient: `user${i}@example.com`,
      delivery_id: `RPILAgUBcRhIBqSfeiIwdIYJKxTY${i}`,
      action_id: 42,
      campaign_id: 7,
    },
  }
}

/** The request cycle: bodies and headers signed once, before the run. */
function requests(secret, counts) {
  const now = Math.floor(Date.now() / 1000)
  const forger = randomBytes(32).toString('hex')
  const entry = (kind, body, headers) => ({
    method: 'POST',
    path: '/webhook',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    onResponse: (status) => {
      counts[kind].set(status, (counts[kind].get(status) ?? 0) + 1)
    },
  })
  const list = []
  for (let i = 0; i < CONFIG.valid; i++) {
    const body = JSON.stringify(event(i))
    list.push(entry('valid', body, signWebhook(body, secret, { timestamp: now })))
  }
  const forged = JSON.stringify(event(100))
  list.push(entry('forged', forged, signWebhook(forged, forger, { timestamp: now })))
  const stale = JSON.stringify(event(200))
  list.push(entry('stale', stale, signWebhook(stale, secret, { timestamp: now - CONFIG.staleAgeSeconds })))
  return list
}

async function startServer(contender, secret) {
  const child = spawn(process.execPath, ['--expose-gc', SERVER], {
    env: { ...process.env, LOAD_SECRET: secret, LOAD_CONTENDER: contender },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout })
  const port = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`load-server exited with ${code}`)))
    lines.once('line', (line) => resolve(JSON.parse(line).port))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    async memory() {
      const response = await fetch(`http://127.0.0.1:${port}/memory`)
      return response.json()
    },
    stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin.end()
      return exited
    },
  }
}

function cannon(url, list, amount) {
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections: CONFIG.connections, amount, requests: list, timeout: 10 },
      (error, result) => (error ? reject(error) : resolve(result)),
    )
    // The time bound: a stalled server ends the run instead of hanging the bench.
    const timer = setTimeout(() => instance.stop(), CONFIG.capSeconds * 1000)
    instance.on('done', () => clearTimeout(timer))
  })
}

async function measure(contender) {
  const secret = randomBytes(32).toString('hex')
  const server = await startServer(contender, secret)
  const counts = { valid: new Map(), forged: new Map(), stale: new Map() }
  try {
    const list = requests(secret, counts)
    const first = await cannon(server.url, list, CONFIG.first)
    const at10k = await server.memory()
    const rest = await cannon(server.url, list, CONFIG.total - CONFIG.first)
    const at100k = await server.memory()
    const served = [first, rest].reduce((sum, r) => sum + r.requests.total, 0)
    const wrong = Object.entries(counts).reduce(
      (sum, [kind, byStatus]) =>
        sum + [...byStatus].filter(([status]) => status !== EXPECTED[kind]).reduce((s, [, n]) => s + n, 0),
      0,
    )
    const errors = first.errors + rest.errors + first.timeouts + rest.timeouts
    return {
      contender,
      served,
      // Throughput and latency of the warm part (requests 10k-100k).
      requestsPerSecond: rest.requests.average,
      latencyMs: { p50: rest.latency.p50, p99: rest.latency.p99, max: rest.latency.max },
      durationSeconds: rest.duration,
      verdicts: Object.fromEntries(
        Object.entries(counts).map(([kind, byStatus]) => [kind, Object.fromEntries(byStatus)]),
      ),
      wrong,
      errors,
      memory: { at10k, at100k },
      rssBound: at10k.rss * RSS_FACTOR + RSS_SLACK,
      heapBound: at10k.heapUsed + HEAP_SLACK,
    }
  } finally {
    await server.stop()
  }
}

const mb = (bytes) => (bytes / 1024 / 1024).toFixed(1)

export async function run() {
  const rows = []
  for (const contender of Object.keys(CONTENDERS)) rows.push(await measure(contender))
  const checks = rows.flatMap((r) => [
    {
      target: 'zero wrong answers',
      contender: r.contender,
      pass: r.wrong === 0 && r.errors === 0 && r.served >= CONFIG.total,
      value: `${r.wrong} wrong, ${r.errors} errors/timeouts, ${r.served} served`,
    },
    {
      target: `RSS(100k) <= RSS(10k) * ${RSS_FACTOR} + ${mb(RSS_SLACK)} MB`,
      contender: r.contender,
      pass: r.memory.at100k.rss <= r.rssBound,
      value: `${mb(r.memory.at100k.rss)} MB <= ${mb(r.rssBound)} MB`,
    },
    {
      target: `heapUsed(100k) <= heapUsed(10k) + ${mb(HEAP_SLACK)} MB, after GC`,
      contender: r.contender,
      pass: r.memory.at100k.heapUsed <= r.heapBound,
      value: `${mb(r.memory.at100k.heapUsed)} MB <= ${mb(r.heapBound)} MB`,
    },
  ])
  const lines = [
    '',
    ...formatTable(
      ['middleware', 'req/s', 'p50 ms', 'p99 ms', 'RSS 10k MB', 'RSS 100k MB', 'heap 10k MB', 'heap 100k MB', 'wrong'],
      rows.map((r) => [
        CONTENDERS[r.contender],
        Math.round(r.requestsPerSecond),
        r.latencyMs.p50,
        r.latencyMs.p99,
        mb(r.memory.at10k.rss),
        mb(r.memory.at100k.rss),
        mb(r.memory.at10k.heapUsed),
        mb(r.memory.at100k.heapUsed),
        r.wrong,
      ]),
    ),
    '',
    `${CONFIG.total / 1000}k requests per contender over ${CONFIG.connections} connections, each cycling ${CONFIG.valid} valid : ${CONFIG.forged} forged : ${CONFIG.stale} stale-replayed.`,
    'req/s and latency over requests 10k-100k (autocannon, this process); the server in its own process (Express 5).',
    'Memory read by the server after a forced GC, once 10k and once 100k requests were served.',
    ...rows.map(
      (r) =>
        `  ${r.contender}: ${Object.entries(r.verdicts)
          .map(([k, v]) => `${k} ${JSON.stringify(v)}`)
          .join(', ')}`,
    ),
    '',
    ...checks.map((c) => `  ${c.pass ? 'PASS' : 'FAIL'}  ${c.contender}: ${c.target} (${c.value})`),
  ]
  return {
    lines,
    json: {
      config: CONFIG,
      bounds: { rssFactor: RSS_FACTOR, rssSlackBytes: RSS_SLACK, heapSlackBytes: HEAP_SLACK },
      rows,
      checks,
    },
  }
}

// Standalone: the same table, and the same results file as `npm run bench -- --only load`.
if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now()
  const { lines, json } = await run()
  for (const line of lines) console.log(line)
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)
  const dir = fileURLToPath(new URL('./results/', import.meta.url))
  mkdirSync(dir, { recursive: true })
  const result = { suite: name, date: new Date().toISOString(), node: process.version, ...json }
  writeFileSync(`${dir}load.json`, JSON.stringify(result, null, 2) + '\n')
  if (json.checks.some((c) => !c.pass)) process.exitCode = 1
}
