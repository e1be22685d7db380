// One receiver instance for the multi-process de-duplication test, run as its own Node process:
// an Express 5 app with customerioWebhook({ dedupe: redisDedupeStore(client) }) on a port of its
// own. It prints `{"port":N}` once listening; GET /log lists the event ids its handler accepted.
//
// Environment: RECEIVER_SECRET (never printed), REDIS_URL, ON_STORE_ERROR ('reject' | 'accept'),
// WAIT_FOR_REDIS ('1': connect before listening; otherwise listen at once, Redis up or not).

import { createRequire } from 'node:module'
import { once } from 'node:events'
import { createClient } from 'redis'

import { customerioWebhook } from '../../index.js'
import { redisDedupeStore } from '../../lib/webhook/dedupe/index.js'

const require = createRequire(import.meta.url)
const express = require('express5')

const client = createClient({
  url: process.env.REDIS_URL,
  // Retry quickly and forever: the test takes Redis away and the receiver must keep serving.
  socket: { reconnectStrategy: () => 50, connectTimeout: 1000 },
})
// node-redis emits 'error' on every failed reconnect; an unhandled one would end the process.
client.on('error', () => {})
const connecting = client.connect()
// Without WAIT_FOR_REDIS the receiver starts whether Redis is there or not, and must answer (503)
// rather than hang.
if (process.env.WAIT_FOR_REDIS === '1') await connecting
else connecting.catch(() => {})

const log = []
const app = express()
app.post(
  '/hook',
  customerioWebhook({
    secret: process.env.RECEIVER_SECRET,
    dedupe: redisDedupeStore(client, { prefix: 'test-dedupe:' }),
    onStoreError: process.env.ON_STORE_ERROR || 'reject',
    onDedupeError: () => {},
  }),
  (req, res) => {
    log.push(req.customerioEvent.event_id)
    res.status(200).json({ ok: true, pid: process.pid })
  },
)
app.get('/log', (req, res) => res.json({ pid: process.pid, handled: log }))

const server = app.listen(0, '127.0.0.1')
await once(server, 'listening')
process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`)

// The test ends this process by closing its stdin (or killing it).
process.stdin.resume()
process.stdin.on('end', () => process.exit(0))
