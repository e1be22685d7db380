// secureTrackClient with the real customerio-node 5 TrackClient, sending over real HTTP to the
// fake Track API (helpers/fake-track-api.mjs). Every assertion about what was sent reads the
// fake's own record of the requests, never the wrapper's return values.

import { describe, test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { createRequire } from 'node:module'

import { createSanitizer, secureTrackClient } from '../../index.js'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
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

const NODE_MAJOR = Number(process.versions.node.split('.')[0])
const skip = NODE_MAJOR < 22 ? 'customerio-node 5 needs Node >= 22' : false

describe('secureTrackClient with customerio-node 5', { skip }, () => {
  let api
  let TrackClient
  let MissingParamError

  before(async () => {
    ;({ TrackClient, MissingParamError } = require('customerio-node'))
    api = await startFakeTrackApi()
  })
  after(() => api.close())
  beforeEach(() => api.reset())

  /** A real client pointed at the fake; no retries unless a test asks (a fault is then final). */
  function realClient(options = {}) {
    return new TrackClient(api.siteId, api.apiKey, { url: api.trackUrl, retry: { maxRetries: 0 }, ...options })
  }

  function assertNothingLeaked() {
    assert.deepEqual(leaks(api.receivedText()), [])
  }

  test('identify: never-send values never arrive, personal fields arrive hashed', async () => {
    const cio = secureTrackClient(realClient())
    const attrs = profile()
    await cio.identify('42', attrs)
    assert.equal(api.requests.length, 1)
    const [req] = api.requests
    assert.equal(req.method, 'PUT')
    assert.equal(req.path, '/api/v1/customers/42')
    assert.equal(req.status, 200)
    assertSanitizedProfile(req.json)
    assertNothingLeaked()
    // The fake stored exactly what was sent.
    assert.deepEqual(api.people.get('42').attributes, req.json)
  })

  test('identify: the v1 cio_relationships keep their identifiers, relationship attributes are sanitized', async () => {
    const cio = secureTrackClient(realClient())
    const relationships = {
      action: 'add_relationships',
      relationships: [
        {
          identifiers: { object_type_id: '1', object_id: 'acme' },
          relationship_attributes: { role: 'admin', ssn: NEVER.ssn },
        },
      ],
    }
    await cio.identify('42', { plan: 'pro', cio_relationships: relationships, _update: true })
    assert.deepEqual(api.requests[0].json, {
      plan: 'pro',
      _update: true,
      cio_relationships: {
        action: 'add_relationships',
        relationships: [
          { identifiers: { object_type_id: '1', object_id: 'acme' }, relationship_attributes: { role: 'admin' } },
        ],
      },
    })
    assertNothingLeaked()
  })

  test('track: the event data is sanitized, the event fields arrive as given', async () => {
    const cio = secureTrackClient(realClient())
    const event = { name: 'purchase', id: '01HZX3N8Q5V9GZ0Y3C8C4H1T2K', timestamp: 1700000000, data: profile() }
    await cio.track('42', event)
    const [req] = api.requests
    assert.equal(req.path, '/api/v1/customers/42/events')
    assert.equal(req.status, 200)
    const { data, ...fields } = req.json
    assert.deepEqual(fields, { name: 'purchase', id: '01HZX3N8Q5V9GZ0Y3C8C4H1T2K', timestamp: 1700000000 })
    assertSanitizedProfile(data)
    assertNothingLeaked()
  })

  test('track: an unexpected top-level field is sanitized like an attribute, not passed through', async () => {
    const cio = secureTrackClient(realClient())
    await cio.track('42', { name: 'purchase', data: { sku: 'A1' }, ssn: NEVER.ssn, phone: HASHED.phone, source: 'web' })
    assert.deepEqual(api.requests[0].json, {
      name: 'purchase',
      data: { sku: 'A1' },
      source: 'web',
      phone_hash: hash16(HASHED.phone),
    })
    assertNothingLeaked()
  })

  test('trackAnonymous: the event data is sanitized, anonymous_id arrives', async () => {
    const cio = secureTrackClient(realClient())
    await cio.trackAnonymous('anon-7', { name: 'viewed', data: profile() })
    const [req] = api.requests
    assert.equal(req.method, 'POST')
    assert.equal(req.path, '/api/v1/events')
    assert.equal(req.status, 200)
    const { data, ...fields } = req.json
    assert.deepEqual(fields, { name: 'viewed', anonymous_id: 'anon-7' })
    assertSanitizedProfile(data)
    assertNothingLeaked()
  })

  test('batch: attributes of every operation kind are sanitized, identifiers and actions kept', async () => {
    const cio = secureTrackClient(realClient())
    await cio.batch([
      { type: 'person', identifiers: { id: '42' }, action: 'identify', attributes: profile() },
      {
        type: 'person',
        identifiers: { email: 'jane@example.com' },
        action: 'event',
        name: 'purchase',
        attributes: profile(),
      },
      {
        type: 'person',
        identifiers: { id: '42' },
        action: 'add_device',
        device: { token: 'tok-1', platform: 'ios', attributes: { password: NEVER.password, app_version: '2.1' } },
      },
      {
        type: 'object',
        identifiers: { object_type_id: '1', object_id: 'acme' },
        action: 'add_relationships',
        cio_relationships: [
          { identifiers: { id: '42' }, relationship_attributes: { role: 'admin', card_number: NEVER.billingCard } },
        ],
      },
      { type: 'person', identifiers: { id: '43' }, action: 'suppress' },
    ])
    const [req] = api.requests
    assert.equal(req.path, '/api/v2/batch')
    assert.equal(req.status, 200)
    const [identify, event, device, relationship, suppress] = req.json.batch
    assert.deepEqual(
      { ...identify, attributes: undefined },
      { type: 'person', identifiers: { id: '42' }, action: 'identify', attributes: undefined },
    )
    assertSanitizedProfile(identify.attributes)
    assert.equal(event.name, 'purchase')
    assert.deepEqual(event.identifiers, { email: 'jane@example.com' })
    assertSanitizedProfile(event.attributes)
    assert.deepEqual(device.device, { token: 'tok-1', platform: 'ios', attributes: { app_version: '2.1' } })
    assert.deepEqual(relationship.cio_relationships, [
      { identifiers: { id: '42' }, relationship_attributes: { role: 'admin' } },
    ])
    assert.deepEqual(suppress, { type: 'person', identifiers: { id: '43' }, action: 'suppress' })
    assertNothingLeaked()
    assert.ok(api.suppressed.has('43'))
  })

  test('batch: a 207 with per-item errors reaches the caller, and the refused item was still sanitized', async () => {
    const cio = secureTrackClient(realClient())
    api.failBatchItems((op, index) =>
      index === 1 ? { reason: 'invalid', field: 'identifiers', message: 'unknown person' } : null,
    )
    const result = await cio.batch([
      { type: 'person', identifiers: { id: '1' }, action: 'identify', attributes: { ssn: NEVER.ssn, plan: 'a' } },
      {
        type: 'person',
        identifiers: { id: '2' },
        action: 'identify',
        attributes: { password: NEVER.password, plan: 'b' },
      },
    ])
    assert.equal(api.requests[0].status, 207)
    assert.deepEqual(result, {
      errors: [{ batch_index: 1, reason: 'invalid', field: 'identifiers', message: 'unknown person' }],
    })
    assert.deepEqual(api.people.get('1').attributes, { plan: 'a' })
    assert.equal(api.people.has('2'), false)
    assertNothingLeaked()
  })

  test('entity and addDevice: their attributes are sanitized too', async () => {
    const cio = secureTrackClient(realClient())
    await cio.entity({ type: 'person', identifiers: { id: '42' }, action: 'identify', attributes: profile() })
    await cio.addDevice('42', 'tok-1', 'android', { last_used: 1700000000, ssn: NEVER.ssn, device_model: 'Pixel' })
    assert.equal(api.requests[0].path, '/api/v2/entity')
    assertSanitizedProfile(api.requests[0].json.attributes)
    assert.equal(api.requests[1].path, '/api/v1/customers/42/devices')
    assert.deepEqual(api.requests[1].json, {
      device: { id: 'tok-1', platform: 'android', last_used: 1700000000, attributes: { device_model: 'Pixel' } },
    })
    assertNothingLeaked()
  })

  describe('fails closed: a payload that cannot be sanitized rejects and nothing is sent', () => {
    const cases = [
      ['identify with a cycle', (cio) => cio.identify('42', cyclic()), 'ERR_CYCLE'],
      ['identify with a throwing getter', (cio) => cio.identify('42', throwingGetter()), 'ERR_READ_FAILED'],
      ['track with a cycle in data', (cio) => cio.track('42', { name: 'e', data: cyclic() }), 'ERR_CYCLE'],
      [
        'track whose data getter throws',
        (cio) =>
          cio.track('42', {
            name: 'e',
            get data() {
              throw new Error('getter failed')
            },
          }),
        'ERR_READ_FAILED',
      ],
      [
        'track with data that is not an object',
        (cio) => cio.track('42', { name: 'e', data: [NEVER.ssn] }),
        'ERR_INVALID_ATTRIBUTES',
      ],
      [
        'trackAnonymous with a throwing getter',
        (cio) => cio.trackAnonymous('a', { name: 'e', data: throwingGetter() }),
        'ERR_READ_FAILED',
      ],
      [
        'batch with one bad operation among good ones',
        (cio) =>
          cio.batch([
            { type: 'person', identifiers: { id: '1' }, action: 'identify', attributes: { plan: 'a' } },
            { type: 'person', identifiers: { id: '2' }, action: 'identify', attributes: cyclic() },
          ]),
        'ERR_CYCLE',
      ],
      ['batch with an operation that is not an object', (cio) => cio.batch([NEVER.ssn]), 'ERR_INVALID_ATTRIBUTES'],
      [
        'identify deeper than maxDepth',
        (cio) => cio.identify('42', { a: { b: { c: { ssn: NEVER.ssn } } } }),
        'ERR_MAX_DEPTH',
        { maxDepth: 2 },
      ],
    ]
    for (const [name, call, code, policy] of cases) {
      test(name, async () => {
        const cio = secureTrackClient(realClient(), policy)
        await assert.rejects(call(cio), (error) => {
          assert.equal(error.code, code)
          assert.ok(!error.message.includes(NEVER.ssn))
          return true
        })
        assert.deepEqual(api.requests, [], 'the fake received no request')
      })
    }
  })

  test("the caller's objects are not changed", async () => {
    const cio = secureTrackClient(realClient())
    const attrs = profile()
    const event = { name: 'purchase', data: profile() }
    const ops = [{ type: 'person', identifiers: { id: '42' }, action: 'identify', attributes: profile() }]
    const snapshot = structuredClone({ attrs, event, ops })
    await cio.identify('42', attrs)
    await cio.track('42', event)
    await cio.trackAnonymous('anon-1', event)
    await cio.batch(ops)
    assert.deepEqual({ attrs, event, ops }, snapshot)
    assert.equal(api.requests.length, 4)
  })

  test('other methods pass through and keep `this`: suppress, unsuppress, destroy, mergeCustomers, region', async () => {
    const client = realClient()
    const cio = secureTrackClient(client)
    await cio.identify('7', { plan: 'pro' })
    await cio.suppress('7')
    assert.equal(api.people.has('7'), false)
    assert.ok(api.suppressed.has('7'))
    await cio.unsuppress('7')
    await cio.destroy('8')
    await cio.mergeCustomers('id', '9', 'email', 'old@example.com')
    assert.deepEqual(await cio.getAccountRegion(), {
      url: 'https://track.customer.io',
      region: 'us',
      environment_id: 1,
    })
    assert.deepEqual(
      api.requests.map((r) => `${r.method} ${r.path} ${r.status}`),
      [
        'PUT /api/v1/customers/7 200',
        'POST /api/v1/customers/7/suppress 200',
        'POST /api/v1/customers/7/unsuppress 200',
        'DELETE /api/v1/customers/8 200',
        'POST /api/v1/merge_customers 200',
        'GET /api/v1/accounts/region 200',
      ],
    )
    assert.deepEqual(api.requests[4].json, { primary: { id: '9' }, secondary: { email: 'old@example.com' } })
    assert.ok(api.requests.every((r) => r.authorized))
  })

  test('the wrapper is instanceof TrackClient, reads through to the client, and keeps sync argument errors', () => {
    const client = realClient()
    const cio = secureTrackClient(client)
    assert.ok(cio instanceof TrackClient)
    assert.equal(cio.trackRoot, client.trackRoot)
    assert.equal(cio.suppress, client.suppress, 'pass-through methods are the client’s own')
    assert.notEqual(cio.identify, client.identify)
    // customerio-node checks its arguments synchronously; the wrapper keeps that.
    assert.throws(() => cio.identify('', { plan: 'pro' }), MissingParamError)
    assert.throws(() => cio.track('42', { data: {} }), MissingParamError)
    assert.throws(() => cio.batch([]), MissingParamError)
    assert.equal(api.requests.length, 0)
  })

  test('HTTP errors and retries are the client’s: a 429 with Retry-After is retried, each attempt sanitized', async () => {
    const cio = secureTrackClient(realClient({ retry: { maxRetries: 1 } }))
    api.fault({ method: 'PUT', path: '/api/v1/customers/{id}', status: 429, retryAfter: 0, times: 1 })
    await cio.identify('42', profile())
    assert.deepEqual(
      api.requests.map((r) => r.status),
      [429, 200],
    )
    assert.equal(api.requests[1].headers['x-retry-count'], '1')
    assertNothingLeaked()
  })

  test('a 500 rejects with the client’s CustomerIORequestError, not a sanitizer error', async () => {
    const { CustomerIORequestError } = require('customerio-node')
    const cio = secureTrackClient(realClient())
    api.fault({ path: '/api/v1/customers/42/events', status: 500 })
    await assert.rejects(cio.track('42', { name: 'e', data: profile() }), (error) => {
      assert.ok(error instanceof CustomerIORequestError)
      assert.equal(error.statusCode, 500)
      return true
    })
    assertNothingLeaked()
  })

  describe('policy argument', () => {
    test('an existing Sanitizer is used as it is (the customerio preset with SMS keeps an E.164 phone)', async () => {
      const sanitizer = createSanitizer({ preset: 'customerio', sms: true })
      const cio = secureTrackClient(realClient(), sanitizer)
      await cio.identify('42', { phone: '+15550100123', ssn: NEVER.ssn, email: 'jane@example.com' })
      assert.deepEqual(api.requests[0].json, { phone: '+15550100123', email: 'jane@example.com' })
    })

    test('a policy object is compiled: an allow-list keeps only listed attributes, not the event name', async () => {
      const cio = secureTrackClient(realClient(), { allow: ['plan'] })
      await cio.track('42', { name: 'purchase', data: { plan: 'pro', favourite_colour: 'green' } })
      assert.deepEqual(api.requests[0].json, { name: 'purchase', data: { plan: 'pro' } })
    })

    test('inspecting or serializing the wrapper never shows the API key the client holds', () => {
      const cio = secureTrackClient(new TrackClient('site-canary-1', 'key-canary-1', { url: api.trackUrl }))
      for (const shown of [
        inspect(cio),
        inspect(cio, { showHidden: true, depth: 5 }),
        JSON.stringify(cio),
        String(Object.keys(cio)),
      ]) {
        assert.ok(!shown.includes('key-canary-1'), shown)
      }
      assert.ok(cio instanceof TrackClient)
    })

    test('an invalid policy or client throws at wrap time with a code', () => {
      assert.throws(() => secureTrackClient(realClient(), 'strict'), { code: 'ERR_INVALID_POLICY' })
      assert.throws(() => secureTrackClient({}), { code: 'ERR_INVALID_CLIENT' })
      assert.throws(() => secureTrackClient(null), { code: 'ERR_INVALID_CLIENT' })
    })
  })
})
