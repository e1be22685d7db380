// An Express 5 receiver for Customer.io reporting webhooks: POST /webhooks/customerio is
// verified by customerioWebhook() before the handler runs.
//
//   CUSTOMERIO_WEBHOOK_SECRET=<signing key> PORT=3000 node server.mjs

import { randomBytes } from 'node:crypto'
import { customerioWebhook, express } from './deps.mjs'

let secret = process.env.CUSTOMERIO_WEBHOOK_SECRET
if (!secret) {
  // A demo convenience only: a real service must fail to start without its signing key.
  secret = randomBytes(32).toString('hex')
  console.log('CUSTOMERIO_WEBHOOK_SECRET is not set, so this run uses a generated demo secret:')
  console.log(`  ${secret}`)
  console.log('Pass the same value to send.mjs: CUSTOMERIO_WEBHOOK_SECRET=<that value> node send.mjs')
}

const app = express()

app.post(
  '/webhooks/customerio',
  // Mounted before any body parser: it reads the raw bytes the signature covers.
  customerioWebhook({
    secret,
    onInvalid: (reason, req) => console.warn(`refused a delivery from ${req.socket.remoteAddress}: ${reason}`),
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
  console.log(`listening on http://127.0.0.1:${server.address().port}/webhooks/customerio`)
})
