// The chaos test's sender, behaving like Customer.io: every delivery signed (signWebhook, a fresh
// timestamp per attempt), POSTed with a 4 s timeout, and retried after a timeout, a connection
// error or any answer but a 2xx, with backoff (200 ms, 400 ms, ... at most 2 s) until it gets a
// 2xx (`200 {"duplicate":true}` included) or the deadline passes. Attempts alternate between the
// receivers; at most `concurrency` requests are in flight.

import http from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'

import { signWebhook } from '../../index.js'
import { SENDER_TIMEOUT_MS, eventBody } from './chaos-plan.mjs'

/** One POST; resolves to `{ status, json }` or `{ error: 'timeout' | code }`, never rejects. */
function attempt(port, body, headers, timeoutMs) {
  return new Promise((resolve) => {
    let done = false
    const finish = (result) => {
      if (done) return
      done = true
      clearTimeout(timer)
      resolve(result)
    }
    const req = http.request({ host: '127.0.0.1', port, path: '/hook', method: 'POST', agent: false, headers })
    const timer = setTimeout(() => {
      // As Customer.io does: stop waiting and drop the connection.
      finish({ error: 'timeout' })
      req.destroy()
    }, timeoutMs)
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        let json
        try {
          json = JSON.parse(Buffer.concat(chunks).toString('utf8'))
        } catch {}
        finish({ status: res.statusCode, json })
      })
      res.on('error', (error) => finish({ error: error.code || 'response-error' }))
    })
    req.on('error', (error) => finish({ error: error.code || error.message }))
    req.end(body)
  })
}

function limiter(max) {
  let active = 0
  const waiting = []
  return async function run(fn) {
    if (active >= max) await new Promise((resolve) => waiting.push(resolve))
    active++
    try {
      return await fn()
    } finally {
      active--
      const next = waiting.shift()
      if (next) next()
    }
  }
}

/**
 * Sends every delivery of `plan` (chaos-plan.mjs `deliveries`) at its moment after `startedAt`.
 * `ports()` gives the receivers' ports now (they may restart). Resolves when every delivery got
 * a 2xx or `deadline` (a Date.now() value) has passed, to the sender's statistics.
 */
export async function send({
  plan,
  ports,
  secret,
  startedAt,
  deadline,
  concurrency = 50,
  timeoutMs = SENDER_TIMEOUT_MS,
}) {
  const inFlight = limiter(concurrency)
  const outcomes = {}
  const count = (key) => {
    outcomes[key] = (outcomes[key] || 0) + 1
  }
  let attempts = 0
  let undelivered = 0
  let duplicates = 0
  const latencies = []

  async function deliver(delivery) {
    const body = eventBody(delivery.id)
    const wait = startedAt + delivery.at - Date.now()
    if (wait > 0) await sleep(wait)
    const began = Date.now()
    let receiver = delivery.receiver
    for (let n = 0; ; n++) {
      const port = ports()[receiver]
      const headers = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
        ...signWebhook(body, secret),
      }
      attempts++
      const result = await inFlight(() => attempt(port, body, headers, timeoutMs))
      if (result.error !== undefined) count(result.error)
      else {
        const error = result.json?.error ? ` ${result.json.error}` : ''
        count(`${result.status}${error}${result.json?.duplicate === true ? ' duplicate' : ''}`)
      }
      if (result.status >= 200 && result.status < 300) {
        if (result.json?.duplicate === true) duplicates++
        latencies.push(Date.now() - began)
        return
      }
      const backoff = Math.min(200 * 2 ** n, 2000)
      if (Date.now() + backoff > deadline) {
        undelivered++
        return
      }
      await sleep(backoff)
      receiver = 1 - receiver
    }
  }

  await Promise.all(plan.map(deliver))
  latencies.sort((a, b) => a - b)
  const at = (q) => {
    if (latencies.length === 0) return null
    return latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
  }
  return {
    deliveries: plan.length,
    delivered: plan.length - undelivered,
    undelivered,
    answeredDuplicate: duplicates,
    attempts,
    outcomes,
    deliveryMs: { p50: at(0.5), p99: at(0.99), max: at(1), over10s: latencies.filter((ms) => ms > 10_000).length },
  }
}
