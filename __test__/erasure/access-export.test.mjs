// exportPerson against the fake App API through a real customerio-node APIClient: pages followed
// with the `start` cursor, 429 + Retry-After, dropped connections, 5xx, the EU and US hosts,
// people found by id, email and cio_id, the manifest, the HTML, the audit record, no leaks.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startFakeAppApi } from '../helpers/fake-app-api.mjs'
import { FAST, appClient, tempDir } from '../helpers/app-api.mjs'
import { AUDIT_KEY, SKIP_NODE20 } from '../helpers/erasure.mjs'

const require = createRequire(import.meta.url)
const { exportPerson, openAuditLog, verifyAuditLog } = require('../../index.js')

async function fakeWith(t, person, options) {
  const api = await startFakeAppApi(options)
  t.after(() => api.close())
  const stored = api.addPerson(person)
  return { api, stored }
}

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'))

test('a person by id: attributes, segments, every delivery page by page, activities, and a manifest', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { api } = await fakeWith(t, {
    id: 'u-1',
    email: 'ann@example.com',
    attributes: { first_name: 'Ann', plan: 'pro', nested: { a: [1, 2] } },
    segments: [{ id: 4, name: 'Paying' }],
    deliveries: 250,
    activities: 130,
  })
  const out = await tempDir(t)
  const result = await exportPerson(appClient(api), { id: 'u-1' }, { out, requestId: 'req-1', ...FAST })
  assert.equal(result.found, true)
  assert.equal(result.jsonPath, join(out, 'person-export-req-1.json'))
  assert.equal(result.htmlPath, join(out, 'person-export-req-1.html'))
  const doc = readJson(result.jsonPath)
  assert.equal(doc.format, 'customerio-security/person-export/1')
  assert.equal(doc.people.length, 1)
  const [person] = doc.people
  assert.deepEqual(person.customer.attributes, { first_name: 'Ann', plan: 'pro', nested: { a: [1, 2] } })
  assert.deepEqual(person.segments, [{ id: 4, name: 'Paying' }])
  assert.equal(person.deliveries.length, 250)
  assert.deepEqual(
    person.deliveries.map((d) => d.subject),
    Array.from({ length: 250 }, (_, i) => `Newsletter #${i}`),
  )
  assert.equal(person.activities.length, 130)
  // Pages of 100 at most, each asking with the previous answer's `next` as `start`.
  const pages = api.requests.filter((r) => r.path.endsWith('/messages'))
  assert.deepEqual(
    pages.map((r) => new URLSearchParams(r.query).get('limit')),
    ['100', '100', '100'],
  )
  assert.deepEqual(
    pages.map((r) => new URLSearchParams(r.query).get('start')),
    [null, Buffer.from('100').toString('base64url'), Buffer.from('200').toString('base64url')],
  )
  assert.ok(api.requests.every((r) => new URLSearchParams(r.query).get('id_type') === 'id'))
  // The manifest: what was asked, when, which calls, counts, and what Customer.io does not keep.
  const { manifest } = doc
  assert.deepEqual(manifest, result.manifest)
  assert.deepEqual(manifest.request.idType, 'id')
  assert.equal(manifest.request.identifier, 'u-1')
  assert.ok(!Number.isNaN(Date.parse(manifest.request.requestedAt)))
  assert.deepEqual(manifest.counts, { people: 1, attributes: 3, segments: 1, deliveries: 250, activities: 130 })
  assert.deepEqual(
    manifest.calls.map((c) => [c.endpoint, c.via, c.requests]),
    [
      ['GET /v1/customers/{id}/attributes', 'customerio-node getAttributes', 1],
      ['GET /v1/customers/{id}/segments', 'customerio-node getCustomerSegments', 1],
      ['GET /v1/customers/{id}/messages', 'customerio-node getCustomerMessages', 3],
      ['GET /v1/customers/{id}/activities', 'customerio-node getCustomerActivities', 2],
    ],
  )
  assert.match(manifest.limits.join(' '), /activities for the last 30 days only/)
  // Files that hold a person's data are the owner's only; no partial file is left.
  assert.equal(statSync(result.jsonPath).mode & 0o777, 0o600)
  assert.equal(statSync(result.htmlPath).mode & 0o777, 0o600)
  assert.deepEqual(readdirSync(out).sort(), ['person-export-req-1.html', 'person-export-req-1.json'])
})

test('by email every profile with that email is exported (found through GET /v1/customers?email=); by cio_id the one', {
  skip: SKIP_NODE20,
}, async (t) => {
  const api = await startFakeAppApi()
  t.after(() => api.close())
  const a = api.addPerson({ id: 'a', email: 'shared@example.com', attributes: { n: 1 }, deliveries: 2 })
  api.addPerson({ id: 'b', email: 'shared@example.com', attributes: { n: 2 }, activities: 1 })
  api.addPerson({ id: 'c', email: 'other@example.com', attributes: { n: 3 } })
  const out = await tempDir(t)
  const byEmail = readJson(
    (await exportPerson(appClient(api), { email: 'shared@example.com' }, { out, requestId: 'e', ...FAST })).jsonPath,
  )
  assert.deepEqual(
    byEmail.people.map((p) => p.customer.attributes.n),
    [1, 2],
  )
  assert.equal(byEmail.manifest.matched, 2)
  assert.deepEqual(
    byEmail.people.map((p) => p.deliveries.length),
    [2, 0],
  )
  const byCio = readJson(
    (await exportPerson(appClient(api), { cio_id: a.cio_id }, { out, requestId: 'c', ...FAST })).jsonPath,
  )
  assert.deepEqual(
    byCio.people.map((p) => p.customer.attributes.n),
    [1],
  )
  assert.ok(api.requests.some((r) => r.path === '/v1/customers' && r.query === '?email=shared%40example.com'))
})

test('nobody found is an answer too: the files say so, found is false', { skip: SKIP_NODE20 }, async (t) => {
  const api = await startFakeAppApi()
  t.after(() => api.close())
  const out = await tempDir(t)
  for (const identifier of [{ id: 'ghost' }, { email: 'ghost@example.com' }]) {
    const result = await exportPerson(appClient(api), identifier, { out, ...FAST })
    assert.equal(result.found, false)
    assert.deepEqual(readJson(result.jsonPath).people, [])
    assert.match(readFileSync(result.htmlPath, 'utf8'), /No person found/)
  }
})

test('429 with Retry-After holds the run that long; dropped connections and 503s are retried', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { api } = await fakeWith(t, { id: 'u', attributes: { x: 1 }, deliveries: 150, activities: 5 })
  api.fault({ path: /\/messages$/, status: 429, retryAfter: 1 })
  api.fault({ path: /\/segments$/, drop: true, times: 2 })
  api.fault({ path: /\/activities$/, status: 503 })
  const out = await tempDir(t)
  const result = await exportPerson(appClient(api), { id: 'u' }, { out, ...FAST })
  assert.deepEqual(result.manifest.counts, { people: 1, attributes: 1, segments: 0, deliveries: 150, activities: 5 })
  const messages = api.requests.filter((r) => r.path.endsWith('/messages'))
  assert.deepEqual(
    messages.map((r) => r.status),
    [429, 200, 200],
  )
  // Retry-After: 1 is obeyed: the retry comes a second later, not after the 5-20 ms backoff.
  assert.ok(messages[1].at - messages[0].at >= 950, `retried after ${messages[1].at - messages[0].at} ms`)
  assert.deepEqual(
    api.requests.filter((r) => r.path.endsWith('/segments')).map((r) => r.status),
    [null, null, 200],
  )
  const calls = Object.fromEntries(result.manifest.calls.map((c) => [c.endpoint, c]))
  assert.deepEqual(calls['GET /v1/customers/{id}/segments'].statuses, { 200: 1, network: 2 })
  assert.equal(calls['GET /v1/customers/{id}/activities'].retries, 1)
})

test('a call that keeps failing rejects with ERR_APP_API naming the call, leaves no file, and is audited as failed', {
  skip: SKIP_NODE20,
}, async (t) => {
  const canary = 'canary~7f3a@example.com'
  const { api } = await fakeWith(t, { id: canary, email: canary, attributes: { secret: canary }, deliveries: 150 })
  api.fault({ path: /\/messages$/, status: 500, times: Infinity })
  const out = await tempDir(t)
  const auditPath = join(out, 'audit.jsonl')
  const audit = openAuditLog(auditPath, { key: AUDIT_KEY })
  const error = await exportPerson(
    appClient(api),
    { id: canary },
    { out, audit, maxAttempts: 3, jurisdiction: 'gdpr', ...FAST },
  ).then(
    () => assert.fail('resolved'),
    (e) => e,
  )
  await audit.close()
  assert.equal(error.code, 'ERR_APP_API')
  assert.equal(error.status, 500)
  assert.equal(error.call, 'GET /v1/customers/{id}/messages')
  assert.match(error.message, /http 500 after 3 attempts/)
  assert.ok(!String(error.message).includes('canary') && !String(error.stack).includes('canary'))
  assert.ok(!error.message.includes(api.key))
  assert.deepEqual(readdirSync(out), ['audit.jsonl'])
  const [record] = readFileSync(auditPath, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line))
  assert.equal(record.kind, 'access')
  assert.equal(record.outcome, 'failed')
  assert.equal(record.jurisdiction, 'gdpr')
  assert.equal(record.reason, 'GET /v1/customers/{id}/messages: http 500')
  assert.ok(!readFileSync(auditPath, 'utf8').includes('canary'))
  assert.equal(verifyAuditLog(auditPath, { key: AUDIT_KEY }).valid, true)
})

test('a done export is audited as an access request with its calls, the subject as a keyed hash', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { api } = await fakeWith(t, { id: 'subj~1', deliveries: 3 })
  const out = await tempDir(t)
  const audit = openAuditLog(join(out, 'audit.jsonl'), { key: AUDIT_KEY })
  const receivedAt = new Date('2026-03-01T10:00:00Z')
  await exportPerson(
    appClient(api),
    { id: 'subj~1' },
    { out, audit, receivedAt, jurisdiction: 'ccpa', actor: 'dpo', requestId: 'r-9', ...FAST },
  )
  const record = JSON.parse(readFileSync(join(out, 'audit.jsonl'), 'utf8'))
  await audit.close()
  assert.equal(record.request_id, 'r-9')
  assert.equal(record.kind, 'access')
  assert.equal(record.outcome, 'done')
  assert.equal(record.received_at, receivedAt.toISOString())
  assert.equal(record.subject, audit.subjectHash('subj~1'))
  assert.deepEqual(
    record.actions.map((a) => [a.action, a.status, a.attempts]),
    [
      ['GET /v1/customers/{id}/attributes', 200, 1],
      ['GET /v1/customers/{id}/segments', 200, 1],
      ['GET /v1/customers/{id}/messages', 200, 1],
      ['GET /v1/customers/{id}/activities', 200, 1],
    ],
  )
})

test('EU and US hosts: a client for the workspace region works, the other host answers 401 and the error says region', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { api } = await fakeWith(t, { id: 'eu-person', attributes: { city: 'Dublin' } }, { region: 'eu' })
  const out = await tempDir(t)
  const good = await exportPerson(appClient(api, 'eu'), { id: 'eu-person' }, { out, region: 'eu', ...FAST })
  assert.equal(readJson(good.jsonPath).people[0].customer.attributes.city, 'Dublin')
  assert.equal(readJson(good.jsonPath).request.region, 'eu')
  assert.ok(api.requests.every((r) => r.host === 'eu'))
  await assert.rejects(exportPerson(appClient(api, 'us'), { id: 'eu-person' }, { out, ...FAST }), (error) => {
    assert.equal(error.code, 'ERR_APP_API')
    assert.equal(error.status, 401)
    assert.match(error.message, /other region/)
    return true
  })
  assert.equal(api.requests.filter((r) => r.host === 'us').length, 1, 'a 401 is not retried')
})

test('requests stay under the App API limit of 10 per second (the fake answers 429 past it)', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { api } = await fakeWith(t, { id: 'busy', deliveries: 1400 })
  api.limitRate(10)
  const out = await tempDir(t)
  await exportPerson(appClient(api), { id: 'busy' }, { out, ...FAST })
  assert.ok(api.requests.length >= 17)
  assert.deepEqual(
    api.requests.filter((r) => r.status === 429),
    [],
  )
  for (const request of api.requests) {
    const within = api.requests.filter((r) => r.at >= request.at && r.at - request.at < 1000)
    assert.ok(within.length <= 10, `${within.length} requests within one second`)
  }
})

test('a client without the per-person calls (an older customerio-node) gets them through fetch, same result', {
  skip: SKIP_NODE20,
}, async (t) => {
  const { api } = await fakeWith(t, {
    id: 'old',
    attributes: { a: 1 },
    segments: [{ id: 1 }],
    deliveries: 120,
    activities: 2,
  })
  const out = await tempDir(t)
  const full = appClient(api)
  // The shape of an APIClient from before the per-person calls: getAttributes only.
  const older = { apiRoot: full.apiRoot, appKey: full.appKey, getAttributes: full.getAttributes.bind(full) }
  const viaFetch = await exportPerson(older, { id: 'old' }, { out, requestId: 'f', ...FAST })
  const viaClient = await exportPerson(full, { id: 'old' }, { out, requestId: 'c', ...FAST })
  assert.deepEqual(readJson(viaFetch.jsonPath).people, readJson(viaClient.jsonPath).people)
  assert.deepEqual(
    viaFetch.manifest.calls.map((c) => c.via),
    ['customerio-node getAttributes', 'fetch', 'fetch', 'fetch'],
  )
  const fetched = api.requests.filter((r) => r.path.endsWith('/messages')).slice(0, 2)
  assert.ok(fetched.every((r) => r.headers.authorization === `Bearer ${api.key}`))
})

test('bad arguments are coded TypeErrors before anything is sent, without the identifier in the message', {
  skip: SKIP_NODE20,
}, async (t) => {
  const api = await startFakeAppApi()
  t.after(() => api.close())
  const client = appClient(api)
  const out = await tempDir(t)
  const cases = [
    [null, { id: 'x' }, { out }, 'ERR_INVALID_CLIENT'],
    [client, 'x', { out }, 'ERR_INVALID_ID'],
    [client, { id: 'x', email: 'y' }, { out }, 'ERR_INVALID_ID'],
    [client, { phone: 'x' }, { out }, 'ERR_INVALID_ID'],
    [client, { id: ' ' }, { out }, 'ERR_INVALID_ID'],
    [client, { id: 'canary~'.repeat(30) }, { out }, 'ERR_INVALID_ID'],
    [client, { id: 'x' }, {}, 'ERR_INVALID_OPTION'],
    [client, { id: 'x' }, { out, pageSize: 101 }, 'ERR_INVALID_OPTION'],
    [client, { id: 'x' }, { out, requestId: '../escape' }, 'ERR_INVALID_OPTION'],
    [client, { id: 'x' }, { out, region: 'ap' }, 'ERR_INVALID_OPTION'],
    [client, { id: 'x' }, { out, audit: {} }, 'ERR_INVALID_OPTION'],
  ]
  for (const [c, identifier, options, code] of cases) {
    await assert.rejects(exportPerson(c, identifier, options), (error) => {
      assert.equal(error.code, code)
      assert.ok(error instanceof TypeError)
      assert.ok(!error.message.includes('canary'))
      return true
    })
  }
  assert.equal(api.requests.length, 0)
  assert.ok(!existsSync(join(out, 'x')))
})
