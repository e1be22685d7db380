// Webhook verification, ours against the plain node:crypto implementation a guide would show and
// against the verifiers of two other SDKs, on one valid delivery per body size. Every contender
// gets the same secret, body bytes and pinned clock, and must accept that delivery and refuse a
// tampered signature before it is timed.

import assert from 'node:assert/strict'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import { compare, formatTable } from './harness.mjs'

const require = createRequire(import.meta.url)
const { WebhookVerifier, verifyWebhook } = require('../index.js')
const { verifyRequestSignature } = require('customerio-node')
const { verify: octokitVerify } = await import('@octokit/webhooks-methods')

export const name = 'webhook'
export const title = 'Webhook signature verification (valid delivery, HMAC-SHA256)'

const SIZES = [
  { label: '600 B', bytes: 600 },
  { label: '4 KiB', bytes: 4 * 1024 },
  { label: '64 KiB', bytes: 64 * 1024 },
  { label: '1 MiB', bytes: 1024 * 1024 },
]
const ROUNDS = 7
const MIN_CPU_TIME_MS = 200
// A fixed test key, never printed. The clock is pinned to the signed time: inside any window.
const SECRET = 'benchmark-signing-key-0f1e2d3c4b5a69788796a5b4c3d2e1f0'
const TIMESTAMP = 1_700_000_000
const TOLERANCE_SECONDS = 300
const REFERENCE = 'node:crypto (guide)'

const TARGETS = {
  smallBytes: 600,
  smallRatio: 0.3, // ours at most 0.3x the node:crypto time at 600 B
  largeBytes: 1024 * 1024,
  largeGBps: 1.6, // ours at least 1.6 GB/s (1e9 bytes/s) at 1 MiB
}

/** The guide implementation: node:crypto, hex compare after a length check, ±300 s window. */
function guideVerify(secret, body, signature, timestamp, now) {
  if (typeof signature !== 'string' || typeof timestamp !== 'string' || !/^\d+$/.test(timestamp)) return false
  if (Math.abs(now - Number(timestamp)) > TOLERANCE_SECONDS) return false
  const expected = Buffer.from(createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex'))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** A compact email_sent event (as Customer.io sends it) whose HTML content pads it to `bytes`. */
function eventBody(bytes) {
  const event = {
    event_id: '01E4C4CT6YDC7Y5M7FE1GWWPQJ',
    object_type: 'email',
    metric: 'sent',
    timestamp: TIMESTAMP,
    data: {
      action_id: 42,
      campaign_id: 7,
      customer_id: '42',
      delivery_id: 'RPILAgUBcRhIBqSfeiIwdIYJKxTY',
      identifiers: { id: '42', email: 'test@example.com', cio_id: 'd9c106000001' },
      recipient: 'test@example.com',
      subject: 'Your weekly digest',
      content: '',
    },
  }
  const base = Buffer.byteLength(JSON.stringify(event))
  // ASCII without quotes or backslashes: JSON keeps it as is, so the length is exact.
  const html = "<tr><td style='padding:8px;font-family:Arial'>Hello Ada, here is what happened this week.</td></tr>"
  event.data.content = html.repeat(Math.ceil(bytes / html.length)).slice(0, bytes - base)
  const body = Buffer.from(JSON.stringify(event))
  assert.equal(body.length, bytes)
  return body
}

function hmacHex(data) {
  return createHmac('sha256', SECRET).update(data).digest('hex')
}

function tamper(hex) {
  return (hex[0] === '0' ? '1' : '0') + hex.slice(1)
}

function contenders(body) {
  const timestamp = String(TIMESTAMP)
  const now = TIMESTAMP
  // Signed by node:crypto, not by the code under test.
  const signature = hmacHex(Buffer.concat([Buffer.from(`v0:${timestamp}:`), body]))
  const text = body.toString('utf8')
  const octokitSignature = `sha256=${hmacHex(text)}`
  const verifier = new WebhookVerifier({ secret: SECRET })

  const list = [
    {
      name: 'ours verifyWebhook (one-shot)',
      run: (sig) => verifyWebhook({ secret: SECRET, body, signature: sig, timestamp, now }).valid,
    },
    {
      name: 'ours WebhookVerifier#verify',
      run: (sig) => verifier.verify({ body, signature: sig, timestamp, now }).valid,
    },
    {
      name: REFERENCE,
      run: (sig) => guideVerify(SECRET, body, sig, timestamp, now),
    },
    {
      name: 'customerio-node verifyRequestSignature *',
      run: (sig) => verifyRequestSignature({ signingSecret: SECRET, timestamp, body, signature: sig }),
    },
    {
      name: '@octokit/webhooks-methods verify **',
      // Its scheme: HMAC of the body alone, `sha256=` prefix, string payload, async.
      run: (sig) => octokitVerify(SECRET, text, sig === signature ? octokitSignature : tamper(octokitSignature)),
    },
  ]
  return { list, signature }
}

async function check({ list, signature }) {
  for (const contender of list) {
    assert.equal(await contender.run(signature), true, `${contender.name} accepts the delivery`)
    assert.equal(await contender.run(tamper(signature)), false, `${contender.name} refuses a tampered signature`)
  }
}

export async function run() {
  const lines = []
  const sizes = []
  for (const size of SIZES) {
    const body = eventBody(size.bytes)
    const set = contenders(body)
    await check(set)
    const timed = await compare(
      set.list.map((c) => ({ name: c.name, fn: () => c.run(set.signature) })),
      { rounds: ROUNDS, minCpuTimeMs: MIN_CPU_TIME_MS },
    )
    const reference = timed.get(REFERENCE).nsPerOp
    const rows = set.list.map((c) => {
      const { nsPerOp, rounds } = timed.get(c.name)
      return {
        name: c.name,
        nsPerOp,
        ratioToReference: nsPerOp / reference,
        MBps: (size.bytes / nsPerOp) * 1e3,
        spread: (Math.max(...rounds) - Math.min(...rounds)) / nsPerOp,
        roundsNs: rounds,
      }
    })
    sizes.push({ label: size.label, bytes: size.bytes, contenders: rows })
    lines.push('', `${size.label} body (${size.bytes} bytes)`)
    lines.push(
      ...formatTable(
        ['contender', 'ns/op', 'vs node:crypto', 'MB/s', 'spread'],
        rows.map((r) => [
          r.name,
          Math.round(r.nsPerOp).toLocaleString('en-US'),
          `${r.ratioToReference.toFixed(2)}x`,
          Math.round(r.MBps).toLocaleString('en-US'),
          `±${((r.spread * 100) / 2).toFixed(1)}%`,
        ]),
      ),
    )
  }

  const targets = evaluateTargets(sizes)
  const v = versions()
  lines.push(
    '',
    'ns/op: median over rounds of the median sample (mitata). MB/s: 1e6 bytes/s. spread: half the',
    `range of the ${ROUNDS} round medians. Contender order rotates each round; all run in this Node ${process.version} process.`,
    `Versions: customerio-node ${v['customerio-node']}, @octokit/webhooks-methods ${v['@octokit/webhooks-methods']}, mitata ${v.mitata}.`,
    '*  customerio-node 5: same v0 scheme, one secret, no timestamp window check. It declares',
    '   engines node >= 22 but loads and runs under Node 20, so it runs in-process here.',
    '** @octokit/webhooks-methods 6: a different scheme (HMAC of the body alone, `sha256=` prefix,',
    '   string payload, async: the await is part of its cost), given the input it expects.',
    '',
    'Targets from the issue (informational):',
    ...targets.map((t) => `  ${t.pass ? 'PASS' : 'FAIL'}  ${t.text}`),
  )
  return {
    lines,
    json: {
      config: {
        rounds: ROUNDS,
        minCpuTimeMs: MIN_CPU_TIME_MS,
        timestamp: TIMESTAMP,
        now: TIMESTAMP,
        reference: REFERENCE,
      },
      versions: v,
      sizes,
      targets,
    },
  }
}

function evaluateTargets(sizes) {
  const ours = ['ours verifyWebhook (one-shot)', 'ours WebhookVerifier#verify']
  const at = (bytes) => sizes.find((s) => s.bytes === bytes).contenders
  const out = []
  for (const who of ours) {
    const row = at(TARGETS.smallBytes).find((r) => r.name === who)
    out.push({
      target: `ratio<=${TARGETS.smallRatio}@${TARGETS.smallBytes}`,
      contender: who,
      value: row.ratioToReference,
      pass: row.ratioToReference <= TARGETS.smallRatio,
      text: `600 B: ${who} at ${row.ratioToReference.toFixed(2)}x node:crypto (target <= ${TARGETS.smallRatio}x)`,
    })
  }
  for (const who of ours) {
    const row = at(TARGETS.largeBytes).find((r) => r.name === who)
    const gbps = row.MBps / 1e3
    out.push({
      target: `GBps>=${TARGETS.largeGBps}@${TARGETS.largeBytes}`,
      contender: who,
      value: gbps,
      pass: gbps >= TARGETS.largeGBps,
      text: `1 MiB: ${who} at ${gbps.toFixed(2)} GB/s (target >= ${TARGETS.largeGBps} GB/s)`,
    })
  }
  return out
}

function versions() {
  // Read directly: customerio-node's exports map does not expose its package.json.
  const version = (pkg) =>
    JSON.parse(readFileSync(new URL(`../node_modules/${pkg}/package.json`, import.meta.url), 'utf8')).version
  return {
    'customerio-node': version('customerio-node'),
    '@octokit/webhooks-methods': version('@octokit/webhooks-methods'),
    mitata: version('mitata'),
  }
}
