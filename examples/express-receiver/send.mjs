// Sends the receiver one delivery signed the way Customer.io signs it, the same delivery again
// (a retry, or a replay: handled once), and one forged delivery signed with a key the sender
// made up, and prints how each was answered.
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

// The `email_sent` example of Customer.io's reporting-webhook spec, with a fresh event_id per run
// (the receiver de-duplicates by event_id, so a fixed one would be a duplicate the second time).
const event = {
  metric: 'sent',
  event_id: `01E4C4CT6YDC7Y5M7F${randomBytes(4).toString('hex').toUpperCase()}`,
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

async function post(label, body, headers) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  })
  const text = await response.text()
  console.log(`${label}: ${response.status} ${text}`)
  return { status: response.status, text }
}

const body = JSON.stringify(event)
const headers = signWebhook(body, secret)
const signed = await post('signed event', body, headers)
const again = await post('same delivery again', body, headers)
const forgedEvent = {
  ...event,
  event_id: `${event.event_id}X`,
  data: { ...event.data, recipient: 'attacker@example.com' },
}
const forgedBody = JSON.stringify(forgedEvent)
const forged = await post('forged event', forgedBody, signWebhook(forgedBody, randomBytes(32).toString('hex')))

if (signed.status !== 200 || again.status !== 200 || forged.status !== 401) {
  console.error('unexpected: the signed event and its copy should get 200 and the forged one 401')
  process.exitCode = 1
}
