// Shared by the erasure tests: real customerio-node clients pointed at the fake Track API, real
// audit logs and journals in temp dirs, and readers of what the fake and the files hold.
import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

export const NODE_MAJOR = Number(process.versions.node.split('.')[0])
export const SKIP_NODE20 = NODE_MAJOR < 22 ? 'customerio-node 5 needs Node >= 22' : false

export const AUDIT_KEY = 'test-audit-key-7b1e4c0a9d2f'

/** A real TrackClient with its own retries off: the erasure policy counts every attempt. */
export function trackClient(api) {
  const { TrackClient } = require('customerio-node')
  return new TrackClient(api.siteId, api.apiKey, { url: api.trackUrl, retry: { maxRetries: 0 } })
}

/**
 * Ids that cannot appear by chance in hex or base64 text (each has a '~'), so searching a file
 * for them finds only a leak.
 */
export function makeIds(count, tag = 'p') {
  return Array.from({ length: count }, (_, i) => `${tag}~${i}~erase.me@example.com`)
}

/**
 * How many of the fake's requests suppressed `id` successfully: a v1 suppress answered 200, or a
 * suppress item of a batch the fake applied (answered 200, or 207 when the item is not one of
 * `refused`: the operation objects a test's failBatchItems decided to refuse).
 */
export function successfulSuppressions(api, id, refused = new WeakSet()) {
  let count = 0
  for (const request of api.requests) {
    if (request.status !== 200 && request.status !== 207) continue
    if (
      request.method === 'POST' &&
      request.path === `/api/v1/customers/${encodeURIComponent(id)}/suppress` &&
      request.status === 200
    )
      count++
    if (request.path === '/api/v2/batch' && Array.isArray(request.json?.batch)) {
      // An item the fake refused is listed in its 207 answer; the fake applied every other one.
      request.json.batch.forEach((op) => {
        if (op.action === 'suppress' && op.identifiers?.id === id && !refused.has(op)) count++
      })
    }
  }
  return count
}

export function requestsFor(api, method, id, suffix = '') {
  const path = `/api/v1/customers/${encodeURIComponent(id)}${suffix}`
  return api.requests.filter((r) => r.method === method && r.path === path)
}

/** Every line of a JSONL file that ends with a newline, parsed (a torn tail is not a record). */
export function completeLines(file) {
  const text = readFileSync(file, 'utf8')
  const end = text.lastIndexOf('\n')
  if (end === -1) return []
  return text
    .slice(0, end)
    .split('\n')
    .map((line) => JSON.parse(line))
}

/** The subject hashes the journal records as done. */
export function journalDone(file) {
  return new Set(
    completeLines(file)
      .filter((r) => typeof r.d === 'string')
      .map((r) => r.d),
  )
}

/** The ids among `ids` whose text occurs anywhere in `file`. */
export function leakedIds(file, ids) {
  const text = readFileSync(file, 'utf8')
  return ids.filter((id) => text.includes(id))
}

export function paths(dir) {
  return { journal: join(dir, 'journal.jsonl'), audit: join(dir, 'audit.jsonl'), ids: join(dir, 'ids.txt') }
}
