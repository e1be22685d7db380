// Rotation under load with the real customerio-node 5 TrackClient over real HTTP: workers keep
// sending identify calls while the key changes at the fake Track API (it starts accepting only
// the new key). The holder reloads on the 401s, swaps clients and retries: every call succeeds.

import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { account, startCredentialsApi } from '../helpers/fake-credentials-api.mjs'

const require = createRequire(import.meta.url)
const { createCredentialHolder, createTrackClient } = require('../../lib/credentials/index.js')

const NODE_MAJOR = Number(process.versions.node.split('.')[0])
const skip = NODE_MAJOR < 22 ? 'customerio-node 5 needs Node >= 22' : false

describe('credential rotation with customerio-node 5', { skip }, () => {
  let api
  const oldAccount = account()
  const newAccount = account()

  before(async () => {
    api = await startCredentialsApi([oldAccount])
    // A small pause per answer, so requests are in flight when the key changes.
    api.delayMs = 2
  })
  after(() => api.close())

  test('requests keep succeeding while the key is rotated; none fails for good', async (t) => {
    const current = { CUSTOMERIO_SITE_ID: oldAccount.siteId, CUSTOMERIO_TRACK_API_KEY: oldAccount.apiKey }
    let reads = 0
    const provider = async (name) => {
      if (name === 'CUSTOMERIO_TRACK_API_KEY') reads++
      return current[name]
    }
    const holder = await createCredentialHolder({
      provider,
      env: { CUSTOMERIO_TRACK_URL: api.trackUrl },
      refreshIntervalMs: 0,
      minRefreshIntervalMs: 0,
      // No client-side retries: only the holder's 401 handling may save a request.
      clientFactory: (credentials) => createTrackClient(credentials, { retry: { maxRetries: 0 } }),
    })
    t.after(() => holder.close())

    const WORKERS = 8
    const PER_WORKER = 40
    const ROTATE_AFTER = 80
    let completed = 0
    const failures = []
    const rotate = () => {
      // The order of a real rotation: the new key goes into the secret manager, then the old
      // key is deleted in Customer.io. No refresh is triggered here: the 401s must do it.
      current.CUSTOMERIO_SITE_ID = newAccount.siteId
      current.CUSTOMERIO_TRACK_API_KEY = newAccount.apiKey
      api.accept([newAccount])
    }
    async function worker(w) {
      for (let i = 0; i < PER_WORKER; i++) {
        try {
          await holder.client.identify(`w${w}-${i}`, { plan: 'pro' })
        } catch (error) {
          failures.push(error.statusCode ?? error.name)
        }
        if (++completed === ROTATE_AFTER) rotate()
      }
    }
    await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))

    assert.deepEqual(failures, [], 'no call failed for good')
    assert.equal(completed, WORKERS * PER_WORKER)
    const statuses = api.requests.map((r) => r.status)
    const refused = statuses.filter((s) => s === 401).length
    assert.ok(refused > 0, 'the old key was refused at least once: the 401 path ran')
    assert.equal(
      statuses.filter((s) => s === 200).length,
      WORKERS * PER_WORKER,
      'each call succeeded exactly once at the server',
    )
    assert.equal(api.requests.length, WORKERS * PER_WORKER + refused, 'each refused call was retried once')
    assert.ok(
      api.requests.some((r) => r.status === 200 && r.account === oldAccount),
      'calls before the rotation used the old key',
    )
    assert.equal(api.requests.at(-1).account, newAccount)
    assert.equal(holder.generation, 2)
    // One load, then reloads only for the 401 bursts (shared while one is running).
    assert.ok(reads - 1 <= refused && reads >= 2, `reads: ${reads}`)
  })

  test('checkCredentials-style: the holder credentials work against the fake after the swap', async (t) => {
    const { checkCredentials } = require('../../lib/credentials/index.js')
    const holder = await createCredentialHolder({
      env: {
        CUSTOMERIO_SITE_ID: newAccount.siteId,
        CUSTOMERIO_TRACK_API_KEY: newAccount.apiKey,
        CUSTOMERIO_TRACK_URL: api.trackUrl,
      },
      refreshIntervalMs: 0,
    })
    t.after(() => holder.close())
    const result = await checkCredentials(holder.credentials)
    assert.equal(result.ok, true)
    assert.equal(result.region, 'us')
    // The default factory built a real TrackClient pointed at the fake.
    await holder.client.identify('default-factory', { plan: 'free' })
    assert.equal(api.requests.at(-1).path, '/api/v1/customers/default-factory')
  })
})
