// redactEvent on material we did not write: every reporting-webhook event of Customer.io's
// OpenAPI spec (its examples, and the events assembled from its field examples), and the
// Segment-spec events @customerio/cdp-analytics-node really sends. A canary is planted in every
// field; none may survive, except in the fields that only say what happened (listed here by
// path, so keeping a new one is a visible change).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { Analytics } from '@customerio/cdp-analytics-node'

import { redactEvent } from '../../index.js'

const FIXTURES = fileURLToPath(new URL('../fixtures/events/', import.meta.url))
const PEPPER = { key: 'redact-event-test-pepper-0123456789abcdef', keyId: 'p1' }

// Paths kept raw: ids of campaigns, messages and deliveries, the metric and when. `[]` is any index.
const KEPT = new Set([
  'metric',
  'event_id',
  'object_type',
  'timestamp',
  'data.action_id',
  'data.broadcast_id',
  'data.campaign_id',
  'data.content_id',
  'data.delivery_id',
  'data.journey_id',
  'data.link_id',
  'data.newsletter_id',
  'data.parent_action_id',
  'data.transactional_message_id',
  'data.trigger_event_id',
  'data.trigger_id',
  'data.inbound_event_id',
  'data.recipients[].device_platform',
  // Segment spec
  'type',
  'messageId',
  'originalTimestamp',
  'sentAt',
  'receivedAt',
  'event',
  'category',
  'channel',
  'version',
])

function reportingEvents() {
  const events = []
  for (const dir of [FIXTURES, join(FIXTURES, 'assembled')]) {
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.json'))) {
      events.push({ name: file, event: JSON.parse(readFileSync(join(dir, file), 'utf8')) })
    }
  }
  return events
}

/** Every leaf of `value` as [path, value], arrays as `[]`. */
function leaves(value, path = '') {
  if (value === null || typeof value !== 'object') return [[path, value]]
  const out = []
  for (const [key, child] of Object.entries(value)) {
    const next = Array.isArray(value) ? `${path}[]` : path === '' ? key : `${path}.${key}`
    out.push(...leaves(child, next))
  }
  return out
}

/** A deep copy of `value` with every leaf not kept replaced by a unique canary; the canaries. */
function planted(value) {
  const canaries = []
  const walk = (node, path) => {
    if (node === null || typeof node !== 'object') {
      if (KEPT.has(path)) return node
      const canary = `CANARY${canaries.length}X`
      canaries.push({ path, canary })
      return canary
    }
    if (Array.isArray(node)) return node.map((child) => walk(child, `${path}[]`))
    const out = {}
    for (const [key, child] of Object.entries(node)) out[key] = walk(child, path === '' ? key : `${path}.${key}`)
    return out
  }
  return { event: walk(value, ''), canaries }
}

function assertNoCanary(output, canaries, label) {
  const text = JSON.stringify(output)
  for (const { path, canary } of canaries) assert.ok(!text.includes(canary), `${label}: ${path} survived`)
}

test('reporting webhooks: the spec has every event, and identifying fields are in it', () => {
  const events = reportingEvents()
  assert.ok(events.length >= 60, `${events.length} events`)
  const paths = new Set(events.flatMap(({ event }) => leaves(event).map(([path]) => path)))
  for (const path of [
    'data.recipient',
    'data.email_address',
    'data.identifiers.email',
    'data.content',
    'data.subject',
    'data.href',
    'data.to',
  ]) {
    assert.ok(paths.has(path), path)
  }
})

test('reporting webhooks: a canary in every field but the kept ones never survives, with or without a pepper', () => {
  let planted_ = 0
  for (const { name, event } of reportingEvents()) {
    const { event: withCanaries, canaries } = planted(event)
    planted_ += canaries.length
    for (const options of [undefined, { pepper: PEPPER }]) {
      const output = redactEvent(withCanaries, options)
      assertNoCanary(output, canaries, `${name} ${options ? 'pepper' : 'no pepper'}`)
      // What is kept is kept exactly.
      const kept = leaves(output).filter(([path]) => KEPT.has(path))
      const original = new Map(leaves(event))
      for (const [path, value] of kept) assert.deepEqual(value, original.get(path), `${name}: ${path}`)
      // Nothing else is left raw: every other leaf is a pseudonym.
      for (const [path, value] of leaves(output)) {
        if (KEPT.has(path)) continue
        assert.match(path, /_hash$/, `${name}: ${path} is neither kept nor a pseudonym`)
        assert.match(String(value), /^p1:[0-9a-f]{64}$/)
      }
    }
  }
  assert.ok(planted_ > 300, `${planted_} canaries`)
})

test('with a pepper one person gets one pseudonym across fields and events; without one, nothing of them is left', () => {
  const event = JSON.parse(readFileSync(join(FIXTURES, 'email_sent.json'), 'utf8'))
  const redacted = redactEvent(event, { pepper: PEPPER })
  assert.equal(
    redacted.data.recipient_hash,
    redacted.data.identifiers.email_hash,
    'recipient and identifiers.email are one address',
  )
  const again = redactEvent(structuredClone(event), { pepper: PEPPER })
  assert.deepEqual(again, redacted)
  const bare = redactEvent(event)
  assert.deepEqual(bare.data.identifiers, {})
  assert.equal('recipient' in bare.data || 'recipient_hash' in bare.data, false)
  // The input is not changed.
  assert.equal(event.data.recipient, 'test@example.com')
})

test('keep lists fields to keep raw; detectors still run on them', () => {
  const event = {
    object_type: 'email',
    metric: 'clicked',
    data: { href: 'https://example.com/a', subject: 'card 4111 1111 1111 1111' },
  }
  const kept = redactEvent(event, { keep: ['href', 'subject'] })
  assert.equal(kept.data.href, 'https://example.com/a')
  assert.equal(kept.data.subject, 'card [REDACTED:card_number]')
})

/** Records each request body; answers 200 as the Data Pipelines API does. */
async function recorder() {
  const bodies = []
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    bodies.push(body)
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    bodies,
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  }
}

test('Data Pipelines: events the official client sends (identify, track, page, screen, group, alias) keep no canary', async () => {
  const server = await recorder()
  const analytics = new Analytics({
    writeKey: 'test-write-key',
    host: server.url,
    path: '/v1/batch',
    maxEventsInBatch: 6,
    maxRetries: 0,
  })
  const traits = {
    email: 'CANARYmail@example.com',
    name: 'CANARYname',
    phone: '+1555CANARY',
    address: { street: 'CANARYstreet' },
  }
  const properties = { plan: 'CANARYplan', note: 'CANARYnote' }
  const context = { ip: '203.0.113.77', page: { url: 'https://example.com/?email=CANARYurl' } }
  analytics.identify({ userId: 'CANARYuser', traits, context })
  analytics.track({ userId: 'CANARYuser', event: 'Order Completed', properties, context })
  analytics.page({ anonymousId: 'CANARYanon', name: 'CANARYpage', properties, context })
  analytics.screen({ userId: 'CANARYuser', name: 'CANARYscreen', properties, context })
  analytics.group({ userId: 'CANARYuser', groupId: 'CANARYgroup', traits, context })
  analytics.alias({ userId: 'CANARYuser', previousId: 'CANARYprevious', context })
  // A guard against a hung flush under a loaded test run, not a performance assertion.
  await analytics.closeAndFlush({ timeout: 60_000 })
  await server.close()
  const batches = server.bodies.map((body) => JSON.parse(body))
  const events = batches.flatMap((body) => body.batch)
  assert.deepEqual(events.map((event) => event.type).sort(), ['alias', 'group', 'identify', 'page', 'screen', 'track'])
  for (const options of [undefined, { pepper: PEPPER }]) {
    for (const batch of batches) {
      const text = JSON.stringify(redactEvent(batch, options))
      assert.ok(!/CANARY|203\.0\.113\.77/.test(text), text)
      // The structure stays: a log line still says which events these were.
      const redacted = JSON.parse(text)
      assert.deepEqual(
        redacted.batch.map((event) => event.type),
        batch.batch.map((event) => event.type),
      )
      assert.deepEqual(
        redacted.batch.map((event) => event.messageId),
        batch.batch.map((event) => event.messageId),
      )
    }
    // A batch sent as a bare JSON array, and one event alone.
    assert.ok(!JSON.stringify(redactEvent(events, options)).includes('CANARY'))
    assert.ok(!JSON.stringify(redactEvent(events[0], options)).includes('CANARY'))
  }
  const pseudonymous = redactEvent(
    events.find((event) => event.type === 'track'),
    { pepper: PEPPER },
  )
  assert.match(pseudonymous.userId_hash, /^p1:[0-9a-f]{64}$/)
})

test('misuse is a coded TypeError', () => {
  for (const bad of [null, 'event', 42]) assert.throws(() => redactEvent(bad), { code: 'ERR_INVALID_ARGUMENT' })
  assert.throws(() => redactEvent({}, { keep: 'href' }), { code: 'ERR_INVALID_ARGUMENT' })
  assert.throws(() => redactEvent({}, 'pepper'), { code: 'ERR_INVALID_ARGUMENT' })
})
