'use strict'

// A CommonJS user of the installed package: an Express app verifying Customer.io webhooks on
// 127.0.0.1, fed one signed and one forged delivery, then sanitizeAttributes. Prints one JSON
// line for pack-test.mjs to check; the secrets are random and never printed.

const { randomBytes } = require('node:crypto')
const { readFileSync } = require('node:fs')
const express = require('express')
const { customerioWebhook, sanitizeAttributes, signWebhook } = require('customerio-security')

const { event, attributes } = JSON.parse(readFileSync(`${__dirname}/fixture.json`, 'utf8'))
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
    const addon = Object.keys(require.cache).find((file) => file.endsWith('.node'))
    const sanitized = sanitizeAttributes(attributes)
    console.log(JSON.stringify({ format: 'cjs', node: process.version, signed, forged, sanitized, addon }))
  } finally {
    server.closeAllConnections()
    server.close()
  }
})
