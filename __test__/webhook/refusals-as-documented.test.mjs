// Refusals as docs/webhooks.md documents them, the same from every adapter: a signed body that is
// JSON but not an object (null, an array, a string, a number) never reaches a handler typed for an
// event (400 INVALID_EVENT); the 413 body is the documented one; a bad limit throws ERR_INVALID_LIMIT.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import { SECRET, signed } from '../helpers/webhook-http-cases.mjs'

const require = createRequire(import.meta.url)
const cio = require('../../index.js')
const express = require('express5')
const Fastify = require('fastify')
const WEBHOOKS_PAGE = readFileSync(new URL('../../docs/webhooks.md', import.meta.url), 'utf8')
const LIMIT = 64

/** Each adapter as a function (body, headers) => { status, json, handled }. */
function adapters() {
  return {
    async express(body, headers) {
      let handled = false
      const app = express()
      app.post('/hook', cio.customerioWebhook({ secret: SECRET, limit: LIMIT }), (req, res) => {
        handled = true
        res.sendStatus(200)
      })
      return { ...(await overHttp(app, body, headers)), handled }
    },
    async nodeHttp(body, headers) {
      let handled = false
      const handler = cio.customerioNodeHandler({ secret: SECRET, limit: LIMIT }, () => {
        handled = true
      })
      return { ...(await overHttp(handler, body, headers)), handled }
    },
    async fetch(body, headers) {
      let handled = false
      const handler = cio.customerioFetchHandler({ secret: SECRET, limit: LIMIT }, () => {
        handled = true
      })
      const response = await handler(new Request('http://localhost/hook', { method: 'POST', headers, body }))
      return { status: response.status, json: await response.json(), handled }
    },
    async fastify(body, headers) {
      let handled = false
      const app = Fastify()
      await app.register(cio.customerioFastify, {
        secret: SECRET,
        limit: LIMIT,
        path: '/hook',
        handler: async () => {
          handled = true
          return { ok: true }
        },
      })
      const response = await app.inject({ method: 'POST', url: '/hook', headers, payload: body })
      await app.close()
      return { status: response.statusCode, json: response.json(), handled }
    },
  }
}

async function overHttp(listener, body, headers) {
  const server = http.createServer(listener)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  try {
    const response = await fetch(`http://127.0.0.1:${server.address().port}/hook`, { method: 'POST', headers, body })
    return { status: response.status, json: await response.json() }
  } finally {
    server.close()
  }
}

for (const [name, deliver] of Object.entries(adapters())) {
  test(`${name}: a signed body that is JSON but not an object is 400 INVALID_EVENT, never handled`, async () => {
    for (const body of ['null', '[1,2]', '"email_sent"', '42', 'true']) {
      const answer = await deliver(body, signed(body))
      assert.deepEqual([answer.status, answer.json, answer.handled], [400, { error: 'INVALID_EVENT' }, false], body)
    }
  })

  test(`${name}: the 413 body is the one docs/webhooks.md shows`, async () => {
    const row = /\| body over `limit` \| `413 (\{.*\})` \|/.exec(WEBHOOKS_PAGE)
    assert.ok(row, 'the table of answers in docs/webhooks.md has the 413 row')
    const body = JSON.stringify({ event_id: 'x', padding: 'y'.repeat(LIMIT) })
    const answer = await deliver(body, signed(body))
    assert.equal(answer.status, 413)
    const documented = JSON.parse(row[1].replace('<limit>', String(LIMIT)))
    assert.deepEqual(answer.json, documented)
  })
}

test('a bad limit throws ERR_INVALID_LIMIT at mount, as docs/webhooks.md says', () => {
  assert.match(WEBHOOKS_PAGE, /`ERR_INVALID_LIMIT`/)
  for (const limit of ['lots', -1, 1.5, '5 parsecs']) {
    assert.throws(() => cio.customerioWebhook({ secret: SECRET, limit }), { code: 'ERR_INVALID_LIMIT' }, String(limit))
  }
})
