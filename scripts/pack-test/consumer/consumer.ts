// A strict TypeScript user of the installed package, compiled to CommonJS (this project has no
// "type": "module"): the same checks as consumer.cjs, with the published typings doing the work.

import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import express from 'express'
import { customerioWebhook, sanitizeAttributes, signWebhook } from 'customerio-security'
import type { CustomerioEvent, CustomerioWebhookHeaders } from 'customerio-security'

interface Fixture {
  event: CustomerioEvent
  attributes: Record<string, unknown>
}
interface Answer {
  status: number
  body: unknown
}

const { event, attributes } = JSON.parse(readFileSync(join(__dirname, '..', 'fixture.json'), 'utf8')) as Fixture
const secret = randomBytes(32).toString('hex')

// Never called: a compile-time check that the published typings are real (a missing or `any`
// typing would make the @ts-expect-error itself an error).
export function misuse(): void {
  // @ts-expect-error: the options need a secret.
  customerioWebhook({ toleranceSeconds: 300 })
}

const app = express()
app.post('/webhooks/customerio', customerioWebhook({ secret }), (req, res) => {
  // The package augments Express's Request: customerioEvent is typed, not `any`.
  const verified: CustomerioEvent | undefined = req.customerioEvent
  res.json({ received: verified?.event_id })
})

async function post(url: string, body: string, headers: CustomerioWebhookHeaders): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  })
  return { status: response.status, body: (await response.json()) as unknown }
}

const server = app.listen(0, '127.0.0.1', async () => {
  try {
    const { port } = server.address() as AddressInfo
    const url = `http://127.0.0.1:${port}/webhooks/customerio`
    const body = JSON.stringify(event)
    const signed = await post(url, body, signWebhook(body, secret))
    const forged = await post(url, body, signWebhook(body, randomBytes(32).toString('hex')))
    const addon = Object.keys(require.cache).find((file) => file.endsWith('.node'))
    const sanitized: Record<string, unknown> = sanitizeAttributes(attributes)
    console.log(JSON.stringify({ format: 'ts-cjs', node: process.version, signed, forged, sanitized, addon }))
  } finally {
    server.closeAllConnections()
    server.close()
  }
})
