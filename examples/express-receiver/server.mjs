// An Express 5 receiver for Customer.io reporting webhooks: POST /webhooks/customerio is
// verified by customerioWebhook() before the handler runs, and each event is handled once
// (in-memory de-duplication: a copy of an event already handled is answered 200 duplicate).
//
//   CUSTOMERIO_WEBHOOK_SECRET=<signing key> PORT=3000 node server.mjs
//   npm start (at the repository root: the same, with a generated development secret)

import { randomBytes } from 'node:crypto'
import { customerioWebhook, express } from './deps.mjs'

const given = process.env.CUSTOMERIO_WEBHOOK_SECRET
// A development convenience only: a real service must refuse to start without its signing key.
const secret = given || randomBytes(32).toString('hex')
if (!given) {
  console.log('CUSTOMERIO_WEBHOOK_SECRET is not set, so this run uses a generated demo secret:')
  console.log(`  ${secret}`)
}

const app = express()

app.post(
  '/webhooks/customerio',
  // Mounted before any body parser: it reads the raw bytes the signature covers.
  customerioWebhook({
    secret,
    // One instance: a bounded in-memory store. Several instances share redisDedupeStore(client).
    dedupe: true,
    onInvalid: (reason, req) => console.warn(`refused a delivery from ${req.socket.remoteAddress}: ${reason}`),
    onDuplicate: (key) => console.log(`duplicate delivery of ${key}: answered 200, not handled again`),
  }),
  (req, res) => {
    const { object_type, metric, event_id } = req.customerioEvent
    console.log(`received ${object_type}/${metric} event ${event_id}`)
    // Answer fast: Customer.io waits 4 s, and a failed delivery holds back later ones.
    res.status(200).json({ received: true })
  },
)

// PORT=0 picks a free port; the line below says which.
const port = process.env.PORT === undefined ? 3000 : Number(process.env.PORT)
const server = app.listen(port, '127.0.0.1', (error) => {
  if (error) throw error
  const url = `http://127.0.0.1:${server.address().port}/webhooks/customerio`
  console.log(`listening on ${url}`)
  // How to send it a signed event: the secret by name when it was given, by value when generated.
  const value = given ? '"$CUSTOMERIO_WEBHOOK_SECRET"' : secret
  console.log(
    `send it a signed event (and a replay and a forgery): CUSTOMERIO_WEBHOOK_SECRET=${value} npm run send -- ${url}`,
  )
})
