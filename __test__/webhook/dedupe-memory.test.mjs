// memoryDedupeStore on its own, with a clock the test moves: TTL, lease and size bounds are
// checked without waiting.

import { test } from 'node:test'
import assert from 'node:assert/strict'

import { memoryDedupeStore } from '../../index.js'

function clockedStore(options) {
  const clock = { ms: 1_700_000_000_000 }
  const store = memoryDedupeStore({ ...options, now: () => clock.ms })
  return { store, clock }
}

test('defaults: a day for done keys, a minute of lease, 100k keys', () => {
  const store = memoryDedupeStore()
  assert.equal(store.ttlSeconds, 86_400)
  assert.equal(store.leaseSeconds, 60)
})

test('a claim is exclusive until committed, and a committed key stays done for ttlSeconds', async () => {
  const { store, clock } = clockedStore({ ttlSeconds: 600 })
  assert.equal(await store.claim('event:a', 't1'), true)
  assert.equal(await store.claim('event:a', 't2'), false)
  assert.equal(await store.isDone('event:a'), false)
  await store.commit('event:a', 't1')
  assert.equal(await store.isDone('event:a'), true)
  clock.ms += 600_000 - 1
  assert.equal(await store.claim('event:a', 't3'), false)
  clock.ms += 1
  assert.equal(await store.isDone('event:a'), false)
  assert.equal(await store.claim('event:a', 't3'), true)
})

test('an uncommitted claim lapses after leaseSeconds (the process died mid-handler)', async () => {
  const { store, clock } = clockedStore({ leaseSeconds: 30 })
  assert.equal(await store.claim('event:b', 't1'), true)
  clock.ms += 29_999
  assert.equal(await store.claim('event:b', 't2'), false)
  clock.ms += 1
  assert.equal(await store.claim('event:b', 't2'), true)
})

test('release removes only the claim of the same token', async () => {
  const { store, clock } = clockedStore({ leaseSeconds: 10 })
  await store.claim('event:c', 't1')
  clock.ms += 10_000
  await store.claim('event:c', 't2')
  // t1's lease ran out and t2 holds the key: t1's late release must not free it.
  await store.release('event:c', 't1')
  assert.equal(await store.claim('event:c', 't3'), false)
  await store.release('event:c', 't2')
  assert.equal(await store.claim('event:c', 't3'), true)
  // A committed key is not a claim: release leaves it.
  await store.commit('event:c', 't3')
  await store.release('event:c', 't3')
  assert.equal(await store.isDone('event:c'), true)
})

test('the size never exceeds max: the oldest keys are evicted first', async () => {
  const { store } = clockedStore({ max: 3 })
  for (const key of ['k1', 'k2', 'k3', 'k4', 'k5']) {
    assert.equal(await store.claim(key, key), true)
    await store.commit(key, key)
    assert.ok(store.size <= 3)
  }
  assert.equal(store.size, 3)
  assert.deepEqual(await Promise.all(['k1', 'k2', 'k3', 'k4', 'k5'].map((key) => store.isDone(key))), [
    false,
    false,
    true,
    true,
    true,
  ])
})

test('expired keys are swept as new ones arrive, so the size follows the traffic of one TTL', async () => {
  const { store, clock } = clockedStore({ ttlSeconds: 600, max: 1000 })
  for (let i = 0; i < 100; i++) {
    await store.claim(`old${i}`, 't')
    await store.commit(`old${i}`, 't')
  }
  assert.equal(store.size, 100)
  clock.ms += 600_000
  await store.claim('new', 't')
  assert.equal(store.size, 1)
})

test('a bounded store keeps memory bounded under many distinct events', async () => {
  const { store } = clockedStore({ max: 500 })
  for (let i = 0; i < 20_000; i++) {
    await store.claim(`event:${i}`, 't')
    await store.commit(`event:${i}`, 't')
  }
  assert.equal(store.size, 500)
  assert.equal(await store.isDone('event:19999'), true)
  assert.equal(await store.isDone('event:19499'), false)
})
