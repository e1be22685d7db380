// Shared by the access-export and erasure-verification tests: real customerio-node APIClients
// pointed at the fake App API, temp output dirs, and audit logs.
import { createRequire } from 'node:module'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const require = createRequire(import.meta.url)

/** A real APIClient with its own retries off (the export's policy counts and paces every request). */
export function appClient(api, host = api.region) {
  const { APIClient } = require('customerio-node')
  return new APIClient(api.key, { url: api.urls[host], retry: { maxRetries: 0 } })
}

export async function tempDir(t, prefix = 'cio-dsr-') {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Fast retries for tests: the policy's shape, with short waits. */
export const FAST = { baseDelayMs: 5, maxDelayMs: 20 }
