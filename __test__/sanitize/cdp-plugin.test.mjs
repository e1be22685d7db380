// customerioCdpPlugin in the real @customerio/cdp-analytics-node `Analytics` client, which sends
// its batches over real HTTP to a recording server on 127.0.0.1. What was sent is read from the
// server's record. The package declares Node >= 14 and runs on Node 20 and 22.

import { describe, test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { once } from 'node:events'
import { createRequire } from 'node:module'

import { Analytics } from '@customerio/cdp-analytics-node'
import { createSanitizer, customerioCdpPlugin } from '../../index.js'
import {
  HASHED,
  NEVER,
  assertSanitizedProfile,
  cyclic,
  hash16,
  leaks,
  profile,
  throwingGetter,
} from '../helpers/integration-canaries.mjs'

const require = createRequire(import.meta.url)
const { version } = require('../../package.json')

/** Records every request body; answers 200 like the Data Pipelines API. */
async function startRecorder() {
  const received = []
  const server = createServer(async (req, res) => {
    let body = ''
    for await (const chunk of req) body += chunk
    received.push({ method: req.method, path: req.url, headers: req.headers, body })
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    received,
    url: `http://127.0.0.1:${server.address().port}`,
    /** Every event of every batch, in arrival order. */
    events: () => received.flatMap((r) => JSON.parse(r.body).batch),
    text: () => received.map((r) => [r.path, ...Object.values(r.headers), r.body].join('\n')).join('\n'),
    close: () => (server.closeAllConnections(), new Promise((resolve) => server.close(resolve))),
  }
}

describe('customerioCdpPlugin with @customerio/cdp-analytics-node', () => {
  let server
  let analytics

  before(async () => {
    server = await startRecorder()
  })
  after(() => server.close())
  beforeEach(() => {
    server.received.length = 0
  })

  /** A client sending each event at once (batches of one), no retries, with `plugin` registered. */
  async function client(plugin = customerioCdpPlugin()) {
    analytics = new Analytics({
      writeKey: 'test-write-key',
      host: server.url,
      path: '/v1/batch',
      maxEventsInBatch: 1,
      maxRetries: 0,
    })
    await analytics.register(plugin)
    return analytics
  }

  /**
   * Calls analytics[method](params) and resolves with the error its callback gets once the event
   * is delivered or cancelled (the package holds every callback for at least 300 ms).
   */
  function send(method, params) {
    return new Promise((resolve) => analytics[method](params, (error) => resolve(error)))
  }

  /** Waits until every dispatched event was delivered or cancelled (no timeout: never cut short). */
  function drained() {
    return analytics.closeAndFlush({ timeout: 0 })
  }

  test('the plugin is a `before` plugin (the only kind whose errors cancel the event)', () => {
    const plugin = customerioCdpPlugin()
    assert.equal(plugin.type, 'before')
    assert.equal(plugin.version, version)
    assert.equal(plugin.isLoaded(), true)
    for (const hook of ['identify', 'group', 'track', 'page', 'screen', 'alias'])
      assert.equal(typeof plugin[hook], 'function')
  })

  test('identify and group traits, track/page/screen properties and context.traits are sanitized', async () => {
    await client()
    const inputs = {
      identify: { userId: 'u1', traits: profile() },
      group: { userId: 'u1', groupId: 'g1', traits: profile() },
      track: { userId: 'u1', event: 'Purchase', properties: profile(), context: { traits: profile() } },
      page: { userId: 'u1', name: 'Pricing', properties: profile() },
      screen: { userId: 'u1', name: 'Home', properties: profile() },
      alias: { userId: 'u1', previousId: 'anon-1', context: { traits: profile() } },
    }
    const snapshot = structuredClone(inputs)
    const errors = []
    analytics.on('error', (event) => errors.push(event))
    for (const [method, params] of Object.entries(inputs)) analytics[method](params)
    await drained()
    assert.deepEqual(errors, [])

    const events = server.events()
    assert.deepEqual(
      events.map((e) => e.type),
      ['identify', 'group', 'track', 'page', 'screen', 'alias'],
    )
    const [identify, group, track, page, screen, alias] = events
    assertSanitizedProfile(identify.traits)
    assertSanitizedProfile(group.traits)
    assertSanitizedProfile(track.properties)
    assertSanitizedProfile(track.context.traits)
    assertSanitizedProfile(page.properties)
    assertSanitizedProfile(screen.properties)
    assertSanitizedProfile(alias.context.traits)
    assert.equal(track.event, 'Purchase')
    assert.equal(identify.userId, 'u1')
    assert.deepEqual(leaks(server.text()), [])
    // The package keeps the caller's `properties` and `context` by reference: they must not change.
    assert.deepEqual(inputs, snapshot)
  })

  describe('fails closed: an event that cannot be sanitized is cancelled, nothing is sent for it', () => {
    const cases = [
      ['identify traits with a cycle', 'identify', { userId: 'bad', traits: cyclic() }, 'ERR_CYCLE'],
      [
        'track properties with a throwing getter',
        'track',
        { userId: 'bad', event: 'E', properties: throwingGetter() },
        'ERR_READ_FAILED',
      ],
      ['context.traits with a cycle', 'page', { userId: 'bad', name: 'P', context: { traits: cyclic() } }, 'ERR_CYCLE'],
    ]
    for (const [name, method, params, code] of cases) {
      test(name, async () => {
        await client()
        const errors = []
        analytics.on('error', (event) => errors.push(event))
        const error = await send(method, params)
        assert.equal(error?.code, code)
        // The client keeps working: the next event goes out.
        analytics.track({ userId: 'good', event: 'Next', properties: { plan: 'pro' } })
        await drained()
        assert.deepEqual(
          server.events().map((e) => e.userId),
          ['good'],
        )
        assert.deepEqual(leaks(server.text()), [])
        assert.deepEqual(
          errors.map((e) => [e.code, e.reason.code]),
          [['delivery_failure', code]],
        )
      })
    }
  })

  test('an event cannot opt out through `integrations`', async () => {
    await client()
    const integrations = { All: false, 'customerio-security sanitizer': false }
    analytics.track({ userId: 'u1', event: 'E', properties: { ssn: NEVER.ssn, phone: HASHED.phone }, integrations })
    await drained()
    assert.deepEqual(server.events()[0].properties, { phone_hash: hash16(HASHED.phone) })
  })

  test('an existing Sanitizer is used as it is', async () => {
    await client(customerioCdpPlugin(createSanitizer({ preset: 'customerio', sms: true })))
    analytics.identify({ userId: 'u1', traits: { phone: '+15550100123', ssn: NEVER.ssn, email: 'jane@example.com' } })
    await drained()
    assert.deepEqual(server.events()[0].traits, { phone: '+15550100123', email: 'jane@example.com' })
  })

  test('an invalid policy throws when the plugin is created', () => {
    assert.throws(() => customerioCdpPlugin('strict'), { code: 'ERR_INVALID_POLICY' })
  })
})
