// One receiver of the chaos test (__test__/webhook/dedupe-chaos.test.mjs), run as its own Node
// process: an Express 5 app with customerioWebhook({ dedupe: redisDedupeStore(client) }) whose
// handler writes `start` and `end` lines to the shared journal (see chaos-journal.mjs) and behaves
// as the plan says for the event (chaos-plan.mjs): 5-50 ms, a first run that fails with 500, or
// 5 s (longer than the sender waits). Store failures reported to onDedupeError are journalled too.
// It prints `{"port":N}` once listening and exits when its stdin closes.
//
// Environment: RECEIVER_SECRET (never printed), REDIS_URL, PORT (0: any), JOURNAL (file),
// MARKERS (directory: one file per event whose failing first run happened), CHAOS_SEED,
// LEASE_SECONDS.

import { createRequire } from 'node:module'
import { once } from 'node:events'
import { closeSync, openSync } from 'node:fs'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient } from 'redis'

import { customerioWebhook, redisDedupeStore } from '../../index.js'
import { behaviour } from './chaos-plan.mjs'
import { appendLine } from './chaos-journal.mjs'

const require = createRequire(import.meta.url)
const express = require('express5')

const { JOURNAL, MARKERS } = process.env
const seed = Number(process.env.CHAOS_SEED)
const pid = process.pid

const client = createClient({
  url: process.env.REDIS_URL,
  // Reconnect quickly and forever: the test kills and freezes redis-server.
  socket: { reconnectStrategy: () => 50, connectTimeout: 1000 },
})
// node-redis emits 'error' on every failed reconnect; an unhandled one would end the process.
client.on('error', () => {})
// Listen whether Redis is up or not (a restarted receiver may come up during an outage).
client.connect().catch(() => {})

/** True exactly once per event across both receivers: O_EXCL creation of its marker file. */
function firstFailure(id) {
  try {
    closeSync(openSync(join(MARKERS, id), 'wx'))
    return true
  } catch {
    return false
  }
}

let runs = 0
const app = express()
app.post(
  '/hook',
  customerioWebhook({
    secret: process.env.RECEIVER_SECRET,
    dedupe: redisDedupeStore(client, { prefix: 'chaos:', leaseSeconds: Number(process.env.LEASE_SECONDS) }),
    onDedupeError: (error, phase, req) => {
      // At claim time the event is not on req yet.
      const id = req?.customerioEvent?.event_id ?? '-'
      appendLine(JOURNAL, 'store-error', phase, id, pid, Date.now())
    },
  }),
  async (req, res) => {
    const id = req.customerioEvent.event_id
    const run = `${pid}-${++runs}`
    appendLine(JOURNAL, 'start', id, pid, Date.now(), run)
    const plan = behaviour(seed, id)
    await sleep(plan.ms)
    const status = plan.kind === 'fail-once' && firstFailure(id) ? 500 : 200
    // Journalled before the answer: the answer is what lets the store release or commit, so no
    // other run of this event can begin before this line is in the file.
    appendLine(JOURNAL, 'end', id, pid, Date.now(), status, run)
    res.status(status).json(status === 200 ? { ok: true, pid } : { error: 'HANDLER_FAILED' })
  },
)

const server = app.listen(Number(process.env.PORT || 0), '127.0.0.1')
await once(server, 'listening')
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)

process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
