// The fake Track API that the integration and erasure tests rely on: checked here with plain
// fetch (no customerio-node, so on Node 20 and 22) against what the Track API spec says it answers,
// and its fault injection checked to be count-limited, so a test using it gets what it asked for.

import { describe, test, before, after, beforeEach } from 'node:test'
import assert from 'node:assert/strict'

import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'

describe('fake Track API', () => {
  let api
  before(async () => {
    api = await startFakeTrackApi()
  })
  after(() => api.close())
  beforeEach(() => api.reset())

  function call(method, path, body, { auth = true } = {}) {
    const headers = { 'content-type': 'application/json' }
    if (auth) headers.authorization = 'Basic ' + Buffer.from(`${api.siteId}:${api.apiKey}`).toString('base64')
    return fetch(api.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  }

  test('refuses missing or wrong Basic auth with 401, and records the attempt', async () => {
    assert.equal((await call('PUT', '/api/v1/customers/1', { plan: 'a' }, { auth: false })).status, 401)
    const wrong = await fetch(api.url + '/api/v1/customers/1', {
      method: 'PUT',
      headers: { authorization: 'Basic ' + Buffer.from(`${api.siteId}:not-the-key`).toString('base64') },
      body: '{}',
    })
    assert.equal(wrong.status, 401)
    assert.deepEqual(
      api.requests.map((r) => [r.authorized, r.status]),
      [
        [false, 401],
        [false, 401],
      ],
    )
    assert.equal(api.people.size, 0)
  })

  test('identify, events, suppress and delete follow the spec and update its people', async () => {
    assert.equal((await call('PUT', '/api/v1/customers/a%40b.c', { plan: 'a' })).status, 200)
    assert.deepEqual(api.people.get('a@b.c'), { attributes: { plan: 'a' } })
    assert.equal(
      (await call('POST', '/api/v1/customers/a%40b.c/events', { data: {} })).status,
      400,
      'an event needs a name',
    )
    assert.equal((await call('POST', '/api/v1/events', { name: 'x', anonymous_id: 'n' })).status, 200)
    assert.equal((await call('POST', '/api/v1/customers/a%40b.c/suppress')).status, 200)
    assert.equal(api.people.has('a@b.c'), false)
    await call('PUT', '/api/v1/customers/a%40b.c', { plan: 'b' })
    assert.equal(api.people.has('a@b.c'), false, 'an identify for a suppressed person is dropped')
    await call('POST', '/api/v1/customers/a%40b.c/unsuppress')
    await call('PUT', '/api/v1/customers/a%40b.c', { plan: 'c' })
    assert.equal((await call('DELETE', '/api/v1/customers/a%40b.c')).status, 200)
    assert.equal(api.people.has('a@b.c'), false)
    assert.deepEqual(await (await call('GET', '/api/v1/accounts/region')).json(), {
      url: 'https://track.customer.io',
      region: 'us',
      environment_id: 1,
    })
    assert.equal((await call('GET', '/api/v1/nowhere')).status, 404)
    assert.equal(api.requests[0].path, '/api/v1/customers/a%40b.c')
    assert.equal(api.requests[0].params.id, 'a@b.c')
  })

  test('batch answers 207 with the per-item errors asked for and applies the other items', async () => {
    api.failBatchItems((op) =>
      op.identifiers.id === 'bad' ? { reason: 'invalid', field: 'attributes', message: 'no' } : null,
    )
    const res = await call('POST', '/api/v2/batch', {
      batch: [
        { type: 'person', identifiers: { id: 'ok' }, action: 'identify', attributes: { plan: 'a' } },
        { type: 'person', identifiers: { id: 'bad' }, action: 'identify', attributes: { plan: 'b' } },
        { type: 'person', identifiers: { id: 'big' }, action: 'identify', attributes: { blob: 'x'.repeat(33 * 1024) } },
      ],
    })
    assert.equal(res.status, 207)
    const { errors } = await res.json()
    assert.deepEqual(
      errors.map((e) => [e.batch_index, e.reason]),
      [
        [1, 'invalid'],
        [2, 'too_large'],
      ],
    )
    assert.deepEqual([...api.people.keys()], ['ok'])
    assert.equal((await call('POST', '/api/v2/batch', { batch: 'no' })).status, 400)
  })

  test('a status fault is answered `times` times (with Retry-After), then the route works again', async () => {
    api.fault({ method: 'PUT', path: '/api/v1/customers/{id}', status: 429, retryAfter: 3, times: 2 })
    const first = await call('PUT', '/api/v1/customers/1', {})
    assert.equal(first.status, 429)
    assert.equal(first.headers.get('retry-after'), '3')
    assert.equal((await call('PUT', '/api/v1/customers/2', {})).status, 429)
    assert.equal((await call('PUT', '/api/v1/customers/3', {})).status, 200)
    assert.equal((await call('POST', '/api/v1/customers/3/suppress')).status, 200, 'another route is not affected')
    assert.deepEqual(
      [...api.people.keys()],
      [],
      'the third identify was then suppressed; the faulted ones never stored',
    )
    assert.deepEqual(
      api.requests.map((r) => r.status),
      [429, 429, 200, 200],
    )
  })

  test('a dropped connection fails the request on the client side; a delayed one answers normally', async () => {
    api.fault({ path: '/api/v1/customers/1/suppress', drop: true })
    await assert.rejects(call('POST', '/api/v1/customers/1/suppress'), TypeError)
    assert.equal(api.requests[0].status, null)
    api.fault({ path: /^\/api\/v1\/customers\/[^/]+$/, delayMs: 20 })
    assert.equal((await call('DELETE', '/api/v1/customers/1')).status, 200)
    assert.equal(api.requests[1].fault.delayMs, 20)
    api.fault({ status: 500, times: Infinity })
    assert.equal((await call('GET', '/api/v1/accounts/region')).status, 500)
    assert.equal((await call('GET', '/api/v1/accounts/region')).status, 500)
  })
})
