// Run by Node, Bun and Deno (__test__/package/other-runtimes.test.mjs): loads the package from this
// repository (the native addon through each runtime's Node-API), verifies and sanitizes, and serves
// the Express middleware on loopback, then prints one JSON line of results. The test compares each
// runtime's line with Node's and with the expected values.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { customerioWebhook, sanitizeAttributes, signWebhook, verifyWebhook } = require('../../index.js')
const express = require('express5')

const SECRET = 'whsec_runtime_smoke_secret'
const NOW = 1_700_000_000
const body = JSON.stringify({ event_id: '01HRUNTIME', object_type: 'email', metric: 'opened', timestamp: NOW })
const headers = signWebhook(body, SECRET, { timestamp: NOW })

const verify = {
  signed: verifyWebhook({
    body,
    signature: headers['x-cio-signature'],
    timestamp: headers['x-cio-timestamp'],
    secret: SECRET,
    now: NOW,
  }),
  forged: verifyWebhook({
    body: `${body} `,
    signature: headers['x-cio-signature'],
    timestamp: headers['x-cio-timestamp'],
    secret: SECRET,
    now: NOW,
  }),
  stale: verifyWebhook({
    body,
    signature: headers['x-cio-signature'],
    timestamp: headers['x-cio-timestamp'],
    secret: SECRET,
    now: NOW + 3600,
  }),
}

const sanitize = sanitizeAttributes({
  email: 'jane@example.com',
  phone: '+15550123456',
  ssn: '123-45-6789',
  password: 'hunter2',
  plan: 'pro',
  billing: { card_number: '4111 1111 1111 1111', note: 'card 4111-1111-1111-1111 on file' },
})

async function serveExpress() {
  const app = express()
  // Live signatures: the middleware checks them against the clock.
  app.post('/webhooks/customerio', customerioWebhook({ secret: SECRET }), (req, res) => {
    res.json({ received: req.customerioEvent.event_id })
  })
  const server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening))
  })
  try {
    const url = `http://127.0.0.1:${server.address().port}/webhooks/customerio`
    const send = async (payload, sent) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sent },
        body: payload,
      })
      return { status: response.status, body: await response.json() }
    }
    return {
      signed: await send(body, signWebhook(body, SECRET)),
      forged: await send(body.replace('opened', 'clicked'), signWebhook(body, SECRET)),
    }
  } finally {
    server.closeAllConnections?.()
    await new Promise((resolve) => server.close(resolve))
  }
}

const result = { verify, sanitize, express: await serveExpress() }
console.log(JSON.stringify(result))
// Bun and Deno keep a process alive for less than Node does, but not always for less: end it here.
process.exit(0)
