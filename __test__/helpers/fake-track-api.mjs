// A fake Customer.io Track API: a real node:http server on 127.0.0.1 (ephemeral port), built from
// Customer.io's Track API reference (the routes its customerio-node client calls), that records every request it receives.
// Tests point real clients at it and assert from its record, e.g. that no canary value arrived.
//
//   const api = await startFakeTrackApi()      // random site id + key unless given
//   new TrackClient(api.siteId, api.apiKey, { url: api.trackUrl })   // trackUrl = `${url}/api/v1`
//   api.requests        // every request, in arrival order (also the refused and faulted ones):
//                       //   { method, path, query, params, headers, rawBody, json, authorized,
//                       //     status, fault }  (rawBody: utf8 text; json: parsed or undefined;
//                       //   status: what was answered, or null when the connection was dropped)
//   api.receivedText()  // every path, header value and body joined: search it for a canary
//   api.people          // Map id -> { attributes }: identify merges, DELETE / suppress remove
//   api.suppressed      // Set of suppressed ids (an identify for one is accepted and ignored)
//   api.fault({ method, path, times, status, retryAfter, body, delayMs, drop })
//       Count-limited fault for matching requests (checked in the order added; each match
//       uses one of `times`, default 1, `Infinity` for always). `path` is an exact path, a
//       RegExp, or a route like '/api/v1/customers/{id}/suppress' (omitted: every path);
//       `method` is optional.
//       - `status` (+ `retryAfter` seconds -> Retry-After header, + `body` JSON): answer that
//         instead of handling the request (nothing is stored). 429/500/503 drill retries.
//       - `delayMs`: wait before answering (alone: a slow but normal answer).
//       - `drop: true`: destroy the socket without answering (the client sees a network error).
//   api.failBatchItems((operation, index) => null | { reason, field, message })
//       Items for which it returns an error are refused: the batch is answered 207
//       { errors: [{ batch_index, reason, field, message }] } (Customer.io's per-item format);
//       the other items are applied. Operations over 32 KB are refused the same way.
//   api.reset()   // forget requests, people, faults; await api.close() at the end.
//
// Answers follow the spec: 200 `{}` on success, 401 without valid Basic auth (site id + Track API
// key), 400 `{ meta: { errors: [...] } }` for a malformed body, 404 for a route it does not know.

import { createServer } from 'node:http'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'

const BATCH_LIMIT = 500 * 1024
const OPERATION_LIMIT = 32 * 1024

/** The routes of the spec the fake serves: method, route, handler(api, request) -> [status, body]. */
const ROUTES = [
  [
    'GET',
    '/api/v1/accounts/region',
    () => [200, { url: 'https://track.customer.io', region: 'us', environment_id: 1 }],
  ],
  ['PUT', '/api/v1/customers/{id}', identify],
  ['DELETE', '/api/v1/customers/{id}', (api, req) => (api.people.delete(req.params.id), OK)],
  ['POST', '/api/v1/customers/{id}/suppress', (api, req) => (suppress(api, req.params.id), OK)],
  ['POST', '/api/v1/customers/{id}/unsuppress', (api, req) => (api.suppressed.delete(req.params.id), OK)],
  ['POST', '/api/v1/customers/{id}/events', (api, req) => event(req)],
  ['POST', '/api/v1/events', (api, req) => event(req)],
  ['PUT', '/api/v1/customers/{id}/devices', (api, req) => objectBody(req)],
  ['DELETE', '/api/v1/customers/{id}/devices/{device}', () => OK],
  ['POST', '/api/v1/merge_customers', (api, req) => objectBody(req)],
  ['POST', '/api/v1/forms/{form}/submit', (api, req) => objectBody(req)],
  ['POST', '/api/v2/entity', (api, req) => (isObject(req.json) ? applyOperation(api, req.json) : objectBody(req))],
  ['POST', '/api/v2/batch', batch],
].map(([method, route, handler]) => ({ method, route, pattern: routePattern(route), handler }))

const OK = [200, {}]

export async function startFakeTrackApi({ siteId = hex(10), apiKey = hex(10) } = {}) {
  const api = new FakeTrackApi(siteId, apiKey)
  await api.listen()
  return api
}

class FakeTrackApi {
  constructor(siteId, apiKey) {
    this.siteId = siteId
    this.apiKey = apiKey
    this.authorization = 'Basic ' + Buffer.from(`${siteId}:${apiKey}`).toString('base64')
    this.server = createServer((req, res) => this.handle(req, res))
    this.timers = new Set()
    this.reset()
  }

  async listen() {
    this.server.listen(0, '127.0.0.1')
    await once(this.server, 'listening')
    this.port = this.server.address().port
    this.url = `http://127.0.0.1:${this.port}`
    this.trackUrl = `${this.url}/api/v1`
  }

  reset() {
    this.requests = []
    this.people = new Map()
    this.suppressed = new Set()
    this.faults = []
    this.batchItemError = () => null
  }

  fault({ method, path, times = 1, ...what }) {
    const match = typeof path === 'string' && path.includes('{') ? routePattern(path) : path
    this.faults.push({ method, match, left: times, ...what })
  }

  failBatchItems(decide) {
    this.batchItemError = decide
  }

  receivedText() {
    return this.requests
      .map((r) => [r.method, r.path, r.query, ...Object.values(r.headers).flat(), r.rawBody].join('\n'))
      .join('\n')
  }

  close() {
    for (const timer of this.timers) clearTimeout(timer)
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }

  async handle(req, res) {
    const chunks = []
    for await (const chunk of req) chunks.push(chunk)
    const rawBody = Buffer.concat(chunks).toString('utf8')
    const url = new URL(req.url, this.url)
    const record = {
      method: req.method,
      path: url.pathname,
      query: url.search,
      params: {},
      headers: { ...req.headers },
      rawBody,
      json: parseJson(rawBody),
      authorized: req.headers.authorization === this.authorization,
      status: null,
      fault: null,
    }
    this.requests.push(record)

    const fault = this.takeFault(record)
    if (fault !== undefined) {
      record.fault = fault
      if (fault.delayMs) await this.sleep(fault.delayMs)
      if (fault.drop) {
        req.socket.destroy()
        return
      }
      if (fault.status !== undefined) {
        const headers = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) }
        return answer(res, record, fault.status, fault.body ?? { meta: { error: `fault ${fault.status}` } }, headers)
      }
    }

    if (!record.authorized) return answer(res, record, 401, { meta: { error: 'Unauthorized request' } })
    const route = ROUTES.find((r) => r.method === req.method && matchRoute(r.pattern, record))
    if (route === undefined) return answer(res, record, 404, { meta: { error: 'Not found' } })
    const [status, body] = route.handler(this, record)
    answer(res, record, status, body)
  }

  takeFault(record) {
    const fault = this.faults.find(
      (f) =>
        f.left > 0 &&
        (f.method === undefined || f.method === record.method) &&
        (f.match === undefined || (typeof f.match === 'string' ? f.match === record.path : f.match.test(record.path))),
    )
    if (fault !== undefined) fault.left--
    return fault
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.timers.delete(timer), resolve()), ms)
      this.timers.add(timer)
    })
  }
}

function identify(api, req) {
  if (!isObject(req.json)) return badRequest('the body must be a JSON object of attributes')
  upsert(api, req.params.id, req.json)
  return OK
}

function event(req) {
  if (!isObject(req.json)) return badRequest('the body must be a JSON object')
  if (typeof req.json.name !== 'string' || req.json.name.trim() === '') return badRequest('name is required')
  return OK
}

function objectBody(req) {
  return isObject(req.json) ? OK : badRequest('the body must be a JSON object')
}

function batch(api, req) {
  if (Buffer.byteLength(req.rawBody) > BATCH_LIMIT) return badRequest('the batch is larger than 500kb')
  if (!isObject(req.json) || !Array.isArray(req.json.batch)) return badRequest('batch must be an array')
  const errors = []
  req.json.batch.forEach((operation, index) => {
    const error =
      Buffer.byteLength(JSON.stringify(operation)) > OPERATION_LIMIT
        ? { reason: 'too_large', field: '', message: 'an operation must be 32kb or smaller' }
        : !isObject(operation)
          ? { reason: 'invalid', field: '', message: 'an operation must be an object' }
          : api.batchItemError(operation, index)
    if (error) errors.push({ batch_index: index, ...error })
    else applyOperation(api, operation)
  })
  return errors.length > 0 ? [207, { errors }] : OK
}

/** The person operations the erasure work checks: identify, delete, suppress, unsuppress. */
function applyOperation(api, op) {
  const id = op.type === 'person' && isObject(op.identifiers) ? Object.values(op.identifiers)[0] : undefined
  if (id === undefined) return OK
  if (op.action === 'identify') upsert(api, String(id), op.attributes ?? {})
  if (op.action === 'delete') api.people.delete(String(id))
  if (op.action === 'suppress') suppress(api, String(id))
  if (op.action === 'unsuppress') api.suppressed.delete(String(id))
  return OK
}

function upsert(api, id, attributes) {
  // Customer.io accepts an identify for a suppressed person and drops it.
  if (api.suppressed.has(id)) return
  const person = api.people.get(id) ?? { attributes: {} }
  Object.assign(person.attributes, attributes)
  api.people.set(id, person)
}

function suppress(api, id) {
  api.people.delete(id)
  api.suppressed.add(id)
}

function answer(res, record, status, body, headers = {}) {
  record.status = status
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  res.end(text)
}

function badRequest(message) {
  return [400, { meta: { errors: [message] } }]
}

/** '/api/v1/customers/{id}' -> a RegExp with named groups; `{x}` matches one encoded segment. */
function routePattern(route) {
  const source = route.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')
  return new RegExp(`^${source}$`)
}

function matchRoute(pattern, record) {
  const match = pattern.exec(record.path)
  if (match === null) return false
  for (const [name, value] of Object.entries(match.groups ?? {})) record.params[name] = decodeURIComponent(value)
  return true
}

function parseJson(text) {
  if (text === '') return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

function isObject(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

function hex(bytes) {
  return randomBytes(bytes).toString('hex')
}
