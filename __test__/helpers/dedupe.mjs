// De-duplication tests' shared parts: reporting-webhook events with their own ids, their signed
// headers, and an Express app whose handler the test controls and whose handled event ids it
// records (the "handler log" the tests count).

import { randomBytes } from 'node:crypto'

import { signWebhook } from '../../index.js'
import { listen } from './express-app.mjs'

/** Demo key, random per process and never printed. */
export const SECRET = randomBytes(32).toString('hex')

let counter = 0

/** A distinct `email delivered` event body (its own event_id), as Customer.io would send it. */
export function eventBody(id = `01HDEDUPE${process.pid}X${++counter}`) {
  return JSON.stringify({
    event_id: id,
    object_type: 'email',
    metric: 'delivered',
    timestamp: 1_700_000_000,
    data: { delivery_id: `dlv_${id}`, identifiers: { id: '42', email: 'dedupe@example.com', cio_id: 'c42' } },
  })
}

/** Headers of one delivery: content type plus the signature Customer.io would send now. */
export function signedHeaders(body, { secret = SECRET, timestamp } = {}) {
  return {
    'content-type': 'application/json',
    ...signWebhook(body, secret, timestamp === undefined ? {} : { timestamp }),
  }
}

/**
 * An app with `POST /hook` = [webhook, handler] and an error handler answering 500. `handle(req,
 * res)` defaults to recording the event and answering 200; `log` lists the handled event ids
 * (and signatures, for bodies without one) in order.
 */
export async function startApp(express, webhook, handle) {
  const app = express()
  const log = []
  app.post('/hook', webhook, async (req, res, next) => {
    try {
      log.push(req.customerioEvent.event_id ?? req.headers['x-cio-signature'])
      if (handle) await handle(req, res)
      else res.status(200).json({ ok: true })
    } catch (error) {
      next(error)
    }
  })
  app.use((error, req, res, next) => {
    res.status(500).json({ error: 'HANDLER_FAILED' })
  })
  const server = await listen(app)
  return { port: server.port, log, close: () => server.close() }
}

/** A promise with its resolve function, for a handler the test holds open. */
export function gate() {
  let open
  const promise = new Promise((resolve) => {
    open = resolve
  })
  return { promise, open }
}
