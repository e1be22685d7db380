// customerio-security/web inside Cloudflare's workerd (the Workers runtime, from the npm package
// @cloudflare/workerd-linux-64) on loopback: a Worker built on customerioFetchHandler answers
// signed, forged, junk and non-POST requests exactly as the native adapter does.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { customerioFetchHandler, signWebhook } from '../../index.js'
import { freePort, startServerProcess } from '../helpers/server-process.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const WORKERD = path.join(ROOT, 'node_modules/@cloudflare/workerd-linux-64/bin/workerd')
const SECRET = 'workerd-secret'

const WORKER = `
import { customerioFetchHandler } from './web.mjs'
const reporting = customerioFetchHandler({ secret: '${SECRET}' }, (event, { webhook }) =>
  Response.json({ got: event.event_id, secretIndex: webhook.secretIndex, timestamp: webhook.timestamp }))
const pipelines = customerioFetchHandler({ secret: '${SECRET}', scheme: 'pipelines' }, (event, { webhook }) =>
  Response.json({ events: webhook.events.map((e) => e.messageId) }))
export default {
  fetch(request) {
    return new URL(request.url).pathname === '/pipelines' ? pipelines(request) : reporting(request)
  },
}
`

async function startWorkerd(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cio-workerd-'))
  copyFileSync(path.join(ROOT, 'lib/web/index.mjs'), path.join(dir, 'web.mjs'))
  writeFileSync(path.join(dir, 'worker.mjs'), WORKER)
  const port = await freePort()
  writeFileSync(
    path.join(dir, 'config.capnp'),
    `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const worker :Workerd.Worker = (
  modules = [ (name = "worker.mjs", esModule = embed "worker.mjs"), (name = "web.mjs", esModule = embed "web.mjs") ],
  compatibilityDate = "2026-11-01",
);
`,
  )
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  await startServerProcess(t, WORKERD, ['serve', path.join(dir, 'config.capnp')], { ready: 'Listening' })
  return `http://127.0.0.1:${port}`
}

/** What the native fetch adapter answers to the same request. */
async function nativeAnswer(url, init, scheme) {
  const handler = customerioFetchHandler(
    { secret: SECRET, ...(scheme ? { scheme } : {}) },
    scheme
      ? (event, { webhook }) => Response.json({ events: webhook.events.map((e) => e.messageId) })
      : (event, { webhook }) =>
          Response.json({ got: event.event_id, secretIndex: webhook.secretIndex, timestamp: webhook.timestamp }),
  )
  const response = await handler(new Request(url, init))
  return { status: response.status, allow: response.headers.get('allow'), text: await response.text() }
}

test('a Worker on customerioFetchHandler in workerd answers as the native adapter', async (t) => {
  if (!existsSync(WORKERD))
    return assert.fail('the @cloudflare/workerd-linux-64 dev dependency is missing: run npm install')
  const base = await startWorkerd(t)
  const body = JSON.stringify({ event_id: 'w1', object_type: 'email', metric: 'sent' })
  const headers = signWebhook(body, SECRET)
  const batch = JSON.stringify({
    batch: [
      { type: 'track', messageId: 'm1' },
      { type: 'identify', messageId: 'm2' },
    ],
  })
  const cases = [
    ['/hook', { method: 'POST', headers, body }],
    ['/hook', { method: 'POST', headers: { ...headers, 'x-cio-signature': '0'.repeat(64) }, body }],
    ['/hook', { method: 'POST', headers: { 'x-cio-timestamp': headers['x-cio-timestamp'] }, body }],
    ['/hook', { method: 'POST', headers: signWebhook('nope', SECRET), body: 'nope' }],
    ['/hook', { method: 'GET' }],
    ['/pipelines', { method: 'POST', headers: signWebhook(batch, SECRET, { scheme: 'pipelines' }), body: batch }],
    ['/pipelines', { method: 'POST', headers: { 'x-signature': 'a'.repeat(40) }, body: batch }],
  ]
  for (const [route, init] of cases) {
    const response = await fetch(base + route, init)
    const actual = { status: response.status, allow: response.headers.get('allow'), text: await response.text() }
    const expected = await nativeAnswer(
      `http://example.test${route}`,
      init,
      route === '/pipelines' ? 'pipelines' : undefined,
    )
    assert.deepEqual(actual, expected, `${init.method} ${route}`)
  }
})
