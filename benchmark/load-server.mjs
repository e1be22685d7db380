// The receiver under load (run by load.mjs in its own process, so the load generator does not
// share its event loop): the example receiver's Express 5 app with ONE contender on
// POST /webhook, chosen by LOAD_CONTENDER:
//   ours   customerioWebhook() mounted before any body parser, as in examples/express-receiver
//   guide  the hand-written middleware of the guide, done right: express.raw() keeps the bytes,
//          node:crypto HMAC over 'v0:' + timestamp + ':' + raw body, timingSafeEqual, a 300 s window
// GET /memory answers { rss, heapUsed } after a full GC (run with --expose-gc), so two readings
// compare what is retained, not garbage not yet collected.
// Prints one JSON line { port } on stdout once listening. The secret comes in LOAD_SECRET.

import { createHmac, timingSafeEqual } from 'node:crypto'

import { customerioWebhook, express } from '../examples/express-receiver/deps.mjs'

const secret = process.env.LOAD_SECRET
const contender = process.env.LOAD_CONTENDER
if (!secret || !['ours', 'guide'].includes(contender)) {
  console.error('load-server: set LOAD_SECRET and LOAD_CONTENDER=ours|guide')
  process.exit(2)
}

const TOLERANCE_SECONDS = 300

function guideMiddleware(req, res, next) {
  const timestamp = req.get('x-cio-timestamp')
  const signature = req.get('x-cio-signature')
  if (!timestamp || !signature || !Buffer.isBuffer(req.body)) {
    return res.status(401).json({ error: 'MISSING_SIGNATURE' })
  }
  const seconds = Number(timestamp)
  if (!/^[0-9]{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - seconds) > TOLERANCE_SECONDS) {
    return res.status(401).json({ error: 'TIMESTAMP_OUT_OF_WINDOW' })
  }
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(req.body).digest()
  const actual = Buffer.from(signature, 'hex')
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return res.status(401).json({ error: 'SIGNATURE_MISMATCH' })
  }
  try {
    req.customerioEvent = JSON.parse(req.body.toString('utf8'))
  } catch {
    return res.status(400).json({ error: 'INVALID_JSON' })
  }
  next()
}

const app = express()
const verify =
  contender === 'ours'
    ? [customerioWebhook({ secret })]
    : [express.raw({ type: 'application/json', limit: '5mb' }), guideMiddleware]

// The same handler as the example's, minus its per-event log line.
app.post('/webhook', ...verify, (req, res) => {
  res.status(200).json({ received: true, event_id: req.customerioEvent.event_id })
})

app.get('/memory', (req, res) => {
  globalThis.gc?.()
  const { rss, heapUsed } = process.memoryUsage()
  res.json({ rss, heapUsed, gc: typeof globalThis.gc === 'function' })
})

const server = app.listen(0, '127.0.0.1', () => {
  console.log(JSON.stringify({ port: server.address().port }))
})
// The parent closes our stdin when it is done, or dies: either way, stop.
process.stdin.on('end', () => server.close(() => process.exit(0)))
process.stdin.resume()
