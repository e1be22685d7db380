// A fake Customer.io App API: real node:http servers on 127.0.0.1, one standing for the US host
// (api.customer.io) and one for the EU host (api-eu.customer.io), serving the per-person routes an
// access export and an erasure check call, as Customer.io documents them:
//   GET /v1/customers?email=E                      -> { results: [{ id, email, cio_id }] }
//   GET /v1/customers/{id}/attributes?id_type=T    -> { customer: { id, email, identifiers, attributes, ... } } | 404
//   GET /v1/customers/{id}/segments?id_type=T      -> { segments: [...] }
//   GET /v1/customers/{id}/messages?id_type&start&limit    -> { messages: [...], next }  (limit <= 100)
//   GET /v1/customers/{id}/activities?id_type&start&limit  -> { activities: [...], next }
// Bearer auth with the App API key; the workspace lives in one region, and the other region's
// host answers 401 to its key (as an account unknown there). Pages end with `next: ''`.
//
//   const api = await startFakeAppApi({ region: 'eu' })
//   new APIClient(api.key, { url: api.urls.eu, retry: { maxRetries: 0 } })
//   api.addPerson({ id, email, cio_id, attributes, segments, deliveries, activities })
//       deliveries / activities: an array, or a number N (generated on the fly, never stored:
//       a person with 100,000 deliveries costs the fake nothing)
//   api.remove(id)         // the person is gone (attributes answer 404)
//   api.removeAfter(id, n) // gone after n more attribute lookups (deletion applied late)
//   api.fault({ path, times, status, retryAfter, drop, delayMs })  // as the fake Track API's
//   api.limitRate(perSecond)   // answer 429 + Retry-After: 1 past perSecond requests in any second
//   api.requests           // every request: { host ('us'|'eu'), method, path, query, headers, status, at }
//   api.receivedText()     // everything received, to search for canaries
import { createServer } from 'node:http'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'

export async function startFakeAppApi({ key = randomBytes(16).toString('hex'), region = 'us' } = {}) {
  const api = new FakeAppApi(key, region)
  await api.listen()
  return api
}

class FakeAppApi {
  constructor(key, region) {
    this.key = key
    this.region = region
    this.servers = {}
    this.urls = {}
    this.requests = []
    this.people = []
    this.faults = []
    this.rate = Infinity
    this.removals = new Map()
  }

  async listen() {
    for (const host of ['us', 'eu']) {
      const server = createServer((req, res) => this.handle(host, req, res))
      server.listen(0, '127.0.0.1')
      await once(server, 'listening')
      this.servers[host] = server
      this.urls[host] = `http://127.0.0.1:${server.address().port}/v1`
    }
  }

  addPerson(person) {
    const stored = {
      id: person.id ?? null,
      email: person.email ?? null,
      cio_id: person.cio_id ?? randomBytes(6).toString('hex'),
      attributes: person.attributes ?? {},
      segments: person.segments ?? [],
      deliveries: person.deliveries ?? [],
      activities: person.activities ?? [],
    }
    this.people.push(stored)
    return stored
  }

  remove(id) {
    this.people = this.people.filter((p) => p.id !== id && p.email !== id && p.cio_id !== id)
  }

  removeAfter(id, lookups) {
    this.removals.set(id, lookups)
  }

  fault({ path, times = 1, ...what }) {
    this.faults.push({ path, left: times, ...what })
  }

  limitRate(perSecond) {
    this.rate = perSecond
  }

  receivedText() {
    return this.requests
      .map((r) => [r.method, r.path, r.query, ...Object.values(r.headers).flat()].join('\n'))
      .join('\n')
  }

  close() {
    return Promise.all(
      Object.values(this.servers).map((server) => {
        server.closeAllConnections()
        return new Promise((resolve) => server.close(() => resolve()))
      }),
    )
  }

  async handle(host, req, res) {
    for await (const _ of req);
    const url = new URL(req.url, 'http://fake')
    const record = {
      host,
      method: req.method,
      path: url.pathname,
      query: url.search,
      headers: { ...req.headers },
      status: null,
      at: performance.now(),
    }
    this.requests.push(record)
    const fault = this.faults.find(
      (f) =>
        f.left > 0 &&
        (f.path === undefined || (typeof f.path === 'string' ? f.path === url.pathname : f.path.test(url.pathname))),
    )
    if (fault !== undefined) {
      fault.left--
      if (fault.delayMs) await new Promise((resolve) => setTimeout(resolve, fault.delayMs))
      if (fault.drop) return void req.socket.destroy()
      if (fault.status !== undefined) {
        return answer(
          res,
          record,
          fault.status,
          { meta: { error: `fault ${fault.status}` } },
          fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) },
        )
      }
    }
    if (this.rate !== Infinity) {
      const recent = this.requests.filter((r) => r.status !== 429 && r !== record && record.at - r.at < 1000).length
      if (recent >= this.rate)
        return answer(
          res,
          record,
          429,
          { meta: { error: `rate limited to ${this.rate} requests per 1s` } },
          { 'retry-after': '1' },
        )
    }
    if (req.headers.authorization !== `Bearer ${this.key}` || host !== this.region) {
      return answer(res, record, 401, { meta: { error: 'Unauthorized request' } })
    }
    if (req.method !== 'GET') return answer(res, record, 404, { meta: { error: 'Not found' } })
    const [status, body] = this.route(url)
    answer(res, record, status, body)
  }

  route(url) {
    if (url.pathname === '/v1/customers') {
      const email = url.searchParams.get('email')
      if (email === null) return [400, { meta: { error: 'email is required' } }]
      const results = this.people
        .filter((p) => p.email === email)
        .map(({ id, email, cio_id }) => ({ id, email, cio_id }))
      return [200, { results }]
    }
    const match = /^\/v1\/customers\/([^/]+)\/(attributes|segments|messages|activities)$/.exec(url.pathname)
    if (match === null) return [404, { meta: { error: 'Not found' } }]
    const id = decodeURIComponent(match[1])
    const idType = url.searchParams.get('id_type') ?? 'id'
    if (!['id', 'email', 'cio_id'].includes(idType)) return [400, { meta: { error: 'invalid id_type' } }]
    const person = this.people.find((p) => p[idType] === id)
    if (person === undefined) return [404, { meta: { error: 'Customer not found' } }]
    const what = match[2]
    if (what === 'attributes') {
      const left = this.removals.get(id)
      if (left !== undefined) {
        if (left <= 1) this.remove(id)
        this.removals.set(id, left - 1)
      }
      const identifiers = { id: person.id, email: person.email, cio_id: person.cio_id }
      return [
        200,
        {
          customer: {
            id: person.id,
            email: person.email,
            identifiers,
            attributes: person.attributes,
            timestamps: {},
            unsubscribed: false,
            devices: [],
          },
        },
      ]
    }
    if (what === 'segments') return [200, { segments: person.segments }]
    const limitText = url.searchParams.get('limit') ?? '50'
    const limit = Number(limitText)
    if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100)
      return [400, { meta: { error: 'limit must be between 1 and 100' } }]
    const list = what === 'messages' ? person.deliveries : person.activities
    const total = typeof list === 'number' ? list : list.length
    const start = url.searchParams.get('start')
    // The cursor is opaque to clients: an offset, encoded so that nobody is tempted to do arithmetic on it.
    const offset = start === null || start === '' ? 0 : Number(Buffer.from(start, 'base64url').toString())
    if (!Number.isInteger(offset) || offset < 0) return [400, { meta: { error: 'invalid start' } }]
    const end = Math.min(total, offset + limit)
    const items = []
    for (let i = offset; i < end; i++) items.push(typeof list === 'number' ? generated(what, person, i) : list[i])
    const next = end < total ? Buffer.from(String(end)).toString('base64url') : ''
    return [200, { [what]: items, next }]
  }
}

/** A delivery or activity shaped like Customer.io's, made from its index. */
function generated(what, person, i) {
  const created = 1_700_000_000 + i * 60
  if (what === 'messages') {
    return {
      id: `dlv${i.toString(36).padStart(8, '0')}`,
      customer_id: person.id,
      customer_identifiers: { id: person.id, email: person.email, cio_id: person.cio_id },
      recipient: person.email,
      subject: `Newsletter #${i}`,
      type: 'email',
      campaign_id: 7,
      action_id: 12,
      created,
      metrics: { sent: created + 1, delivered: created + 5 },
    }
  }
  return {
    id: `act${i}`,
    customer_id: person.id,
    type: 'event',
    name: `viewed_page_${i % 7}`,
    timestamp: created,
    data: { page: `/p/${i}` },
  }
}

function answer(res, record, status, body, headers = {}) {
  record.status = status
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers })
  res.end(text)
}
