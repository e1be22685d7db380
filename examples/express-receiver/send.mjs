// Sends the receiver one delivery signed the way Customer.io signs it, and one forged delivery
// signed with a key the sender made up, and prints how each was answered.
//
//   CUSTOMERIO_WEBHOOK_SECRET=<signing key> node send.mjs [url]

import { randomBytes } from 'node:crypto'
import { signWebhook } from './deps.mjs'

const url = process.argv[2] ?? process.env.RECEIVER_URL ?? 'http://127.0.0.1:3000/webhooks/customerio'
const secret = process.env.CUSTOMERIO_WEBHOOK_SECRET
if (!secret) {
  console.error('Set CUSTOMERIO_WEBHOOK_SECRET to the secret the receiver uses (server.mjs prints one).')
  process.exit(2)
}

// The `email_sent` example of Customer.io's reporting-webhook spec.
const event = {
  metric: 'sent',
  event_id: '01E4C4CT6YDC7Y5M7FE1GWWPQJ',
  object_type: 'email',
  timestamp: 1613063089,
  data: {
    action_id: 42,
    broadcast_id: 9,
    customer_id: '0200000001',
    delivery_id: 'RPILAgUBcRhIBqSfeiIwdIYJKxTY',
    identifiers: { id: '42', email: 'test@example.com', cio_id: 'd9c106000001' },
    recipient: 'test@example.com',
  },
}

async function deliver(label, event, key) {
  const body = JSON.stringify(event)
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signWebhook(body, key) },
    body,
  })
  console.log(`${label}: ${response.status} ${await response.text()}`)
  return response.status
}

const signed = await deliver('signed event', event, secret)
const forgedEvent = { ...event, event_id: '01E4C4CT6YDC7Y5M7FE1FORGED', data: { ...event.data, recipient: 'attacker@example.com' } }
const forged = await deliver('forged event', forgedEvent, randomBytes(32).toString('hex'))

if (signed !== 200 || forged !== 401) {
  console.error('unexpected: the signed event should get 200 and the forged one 401')
  process.exitCode = 1
}
