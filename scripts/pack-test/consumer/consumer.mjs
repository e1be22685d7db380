// An ES module user of the installed package: the same checks as consumer.cjs through `import`.

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import express from 'express'
import { customerioWebhook, sanitizeAttributes, signWebhook } from 'customerio-security'

const { event, attributes } = JSON.parse(readFileSync(new URL('./fixture.json', import.meta.url), 'utf8'))
const secret = randomBytes(32).toString('hex')

const app = express()
app.post('/webhooks/customerio', customerioWebhook({ secret }), (req, res) => {
  res.json({ received: req.customerioEvent.event_id })
})

async function post(url, body, headers) {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })
  return { status: response.status, body: await response.json() }
}

const server = app.listen(0, '127.0.0.1', async () => {
  try {
    const url = `http://127.0.0.1:${server.address().port}/webhooks/customerio`
    const body = JSON.stringify(event)
    const signed = await post(url, body, signWebhook(body, secret))
    const forged = await post(url, body, signWebhook(body, randomBytes(32).toString('hex')))
    // The .node addon is loaded by require() inside the package, so it sits in the CJS cache.
    const addon = Object.keys(createRequire(import.meta.url).cache).find((file) => file.endsWith('.node'))
    const sanitized = sanitizeAttributes(attributes)
    console.log(JSON.stringify({ format: 'esm', node: process.version, signed, forged, sanitized, addon }))
  } finally {
    server.closeAllConnections()
    server.close()
  }
})
