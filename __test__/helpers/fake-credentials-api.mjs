// A small fake Track API for credential tests, separate from fake-track-api.mjs (which serves
// one fixed key pair and always answers region 'us'). This one holds a set of accounts that can
// change while it runs, so a test can rotate a key at the "server": each account is
// { siteId, apiKey, region, environmentId }; a request is authorized when its Basic header
// matches one of the accepted accounts at the moment it arrives.
//
//   const api = await startCredentialsApi([account()])   // account(): random 20-hex pair
//   api.accept([newAccount])   // from now on only newAccount's key works (the old one: 401)
//   api.trackUrl               // `${url}/api/v1`
//   api.requests               // [{ method, path, status, account }] account: the matched one or null
//   api.delayMs = 5            // answer every request after a pause (requests overlap a swap)
//
// Routes: GET /api/v1/accounts/region -> { url, region, environment_id }; PUT
// /api/v1/customers/{id} and POST /api/v1/customers/{id}/events -> 200 {}; others 404.

import { createServer } from 'node:http'
import { once } from 'node:events'
import { randomBytes } from 'node:crypto'

const PUBLIC_URL = { us: 'https://track.customer.io', eu: 'https://track-eu.customer.io' }

/** A random account; keys are made at run time so no key-shaped literal sits in the repo. */
export function account({ region = 'us', environmentId = 1000 + randomBytes(2).readUInt16BE() } = {}) {
  return { siteId: randomBytes(10).toString('hex'), apiKey: randomBytes(10).toString('hex'), region, environmentId }
}

export async function startCredentialsApi(accounts) {
  const api = new CredentialsApi(accounts)
  api.server.listen(0, '127.0.0.1')
  await once(api.server, 'listening')
  api.url = `http://127.0.0.1:${api.server.address().port}`
  api.trackUrl = `${api.url}/api/v1`
  return api
}

class CredentialsApi {
  constructor(accounts) {
    this.requests = []
    this.delayMs = 0
    this.timers = new Set()
    this.accept(accounts)
    this.server = createServer((req, res) => this.handle(req, res))
  }

  accept(accounts) {
    this.accounts = new Map(
      accounts.map((a) => ['Basic ' + Buffer.from(`${a.siteId}:${a.apiKey}`).toString('base64'), a]),
    )
  }

  async handle(req, res) {
    for await (const chunk of req) void chunk
    // Authorized on arrival: a key revoked while the request waits does not change its answer.
    const match = this.accounts.get(req.headers.authorization) ?? null
    const record = { method: req.method, path: req.url, status: null, account: match }
    this.requests.push(record)
    if (this.delayMs > 0) await this.sleep(this.delayMs)
    if (match === null) return this.answer(res, record, 401, { meta: { error: 'Unauthorized request' } })
    if (req.method === 'GET' && req.url === '/api/v1/accounts/region') {
      return this.answer(res, record, 200, {
        url: PUBLIC_URL[match.region],
        region: match.region,
        environment_id: match.environmentId,
      })
    }
    if (
      (req.method === 'PUT' && /^\/api\/v1\/customers\/[^/]+$/.test(req.url)) ||
      (req.method === 'POST' && /^\/api\/v1\/customers\/[^/]+\/events$/.test(req.url))
    ) {
      return this.answer(res, record, 200, {})
    }
    this.answer(res, record, 404, { meta: { error: 'Not found' } })
  }

  answer(res, record, status, body) {
    record.status = status
    const text = JSON.stringify(body)
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
    res.end(text)
  }

  sleep(ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(() => (this.timers.delete(timer), resolve()), ms)
      this.timers.add(timer)
    })
  }

  close() {
    for (const timer of this.timers) clearTimeout(timer)
    this.server.closeAllConnections()
    return new Promise((resolve) => this.server.close(() => resolve()))
  }
}
