// redisDedupeStore against a real redis-server (its own child process, no persistence), and two
// receiver processes sharing it: a delivery sent to both, at once or one after the other, is
// accepted by exactly one of them, as their handler logs show. With Redis gone, deliveries are
// refused with 503 unless onStoreError says 'accept'.
//
// redis-server missing: in CI (CI=true) a test fails saying so; elsewhere these tests are skipped.

import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { createClient } from 'redis'

import { CustomerioSecurityError } from '../../index.js'
import { redisDedupeStore } from '../../index.js'
import { post } from '../helpers/express-client.mjs'
import { SECRET, eventBody, signedHeaders } from '../helpers/dedupe.mjs'
import { startReceiver } from '../helpers/receiver-process.mjs'
import { freePort, missingRedisPolicy, startRedisServer } from '../helpers/redis-server.mjs'

const policy = missingRedisPolicy()
const skip = policy.skip || (policy.missing ? 'redis-server missing (see the failing test)' : false)

if (policy.missing) {
  test('redis-server is installed (CI must run these tests)', () => assert.fail(policy.missing))
}

/**
 * Sends one delivery, resending (bounded) while the answer is 503 DELIVERY_IN_PROGRESS, as
 * Customer.io would: another instance's commit may still be on its way to Redis.
 */
async function postSettled(port, body, headers) {
  for (let attempt = 0; attempt < 100; attempt++) {
    const res = await post(port, '/hook', body, { headers })
    if (res.status !== 503 || res.json?.error !== 'DELIVERY_IN_PROGRESS') return res
    await sleep(20)
  }
  throw new Error('still in progress after 100 attempts')
}

function isRefusedCopy(res) {
  return (
    (res.status === 200 && res.json?.duplicate === true) ||
    (res.status === 503 && res.json?.error === 'DELIVERY_IN_PROGRESS')
  )
}

describe('redisDedupeStore with node-redis against redis-server', { skip }, () => {
  let redis
  let client
  before(async () => {
    redis = await startRedisServer()
    client = createClient({ url: redis.url })
    client.on('error', () => {})
    await client.connect()
  })
  after(async () => {
    await client?.close?.()
    await redis?.stop()
  })

  test('claim is SET NX with the lease, commit keeps the key for ttlSeconds, under the prefix', async () => {
    const store = redisDedupeStore(client, { prefix: 'unit:', ttlSeconds: 900, leaseSeconds: 30 })
    assert.equal(await store.claim('event:r1', 'tok1'), true)
    assert.equal(await store.claim('event:r1', 'tok2'), false)
    assert.equal(await store.isDone('event:r1'), false)
    const leaseLeft = await client.pTTL('unit:event:r1')
    assert.ok(leaseLeft > 0 && leaseLeft <= 30_000, String(leaseLeft))
    await store.commit('event:r1', 'tok1')
    assert.equal(await store.isDone('event:r1'), true)
    const ttlLeft = await client.pTTL('unit:event:r1')
    assert.ok(ttlLeft > 30_000 && ttlLeft <= 900_000, String(ttlLeft))
    assert.deepEqual(await client.keys('unit:*'), ['unit:event:r1'])
  })

  test('release deletes only the same token’s claim, never a committed key', async () => {
    const store = redisDedupeStore(client, { prefix: 'unit2:' })
    await store.claim('event:r2', 'mine')
    await store.release('event:r2', 'theirs')
    assert.equal(await store.claim('event:r2', 'again'), false)
    await store.release('event:r2', 'mine')
    assert.equal(await store.claim('event:r2', 'again'), true)
    await store.commit('event:r2', 'again')
    await store.release('event:r2', 'again')
    assert.equal(await store.isDone('event:r2'), true)
  })

  test('many concurrent claims of one key: exactly one wins', async () => {
    const store = redisDedupeStore(client, { prefix: 'race:' })
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => store.claim('event:race', `t${i}`)))
    assert.equal(results.filter(Boolean).length, 1)
  })

  test('a client that is not connected is ERR_DEDUPE_UNAVAILABLE at once; bad arguments are misuse', async () => {
    const idle = createClient({ url: redis.url })
    const store = redisDedupeStore(idle)
    await assert.rejects(store.claim('event:x', 't'), (error) => {
      assert.ok(error instanceof CustomerioSecurityError)
      assert.equal(error.code, 'ERR_DEDUPE_UNAVAILABLE')
      return true
    })
    assert.throws(() => redisDedupeStore({}), { code: 'ERR_INVALID_ARGUMENT' })
    assert.throws(() => redisDedupeStore(null), { code: 'ERR_INVALID_ARGUMENT' })
    assert.throws(() => redisDedupeStore(client, { timeoutMs: 0 }), { code: 'ERR_INVALID_DEDUPE' })
    assert.throws(() => redisDedupeStore(client, { prefix: 1 }), { code: 'ERR_INVALID_DEDUPE' })
  })
})

describe('two receiver processes sharing one Redis', { skip }, () => {
  let redis
  let receivers = []
  before(async () => {
    redis = await startRedisServer()
    receivers = await Promise.all([0, 1].map(() => startReceiver({ secret: SECRET, redisUrl: redis.url })))
  })
  after(async () => {
    await Promise.all(receivers.map((receiver) => receiver.stop()))
    await redis?.stop()
  })

  test('sent to one and then replayed to the other, an event is accepted once', async () => {
    const [a, b] = receivers
    const body = eventBody('01HSEQUENTIAL01')
    const headers = signedHeaders(body)
    const first = await post(a.port, '/hook', body, { headers })
    assert.equal(first.status, 200, first.text)
    assert.equal(first.json.pid, a.pid)
    const replay = await postSettled(b.port, body, headers)
    assert.deepEqual([replay.status, replay.json], [200, { duplicate: true }])
    const again = await postSettled(a.port, body, headers)
    assert.deepEqual([again.status, again.json], [200, { duplicate: true }])
    assert.deepEqual(
      (await a.handled()).filter((id) => id === '01HSEQUENTIAL01'),
      ['01HSEQUENTIAL01'],
    )
    assert.deepEqual(
      (await b.handled()).filter((id) => id === '01HSEQUENTIAL01'),
      [],
    )
  })

  test('sent to both at the same moment, each of 20 events is accepted by exactly one', async () => {
    const [a, b] = receivers
    const ids = Array.from({ length: 20 }, (_, i) => `01HCONCURRENT${String(i).padStart(3, '0')}`)
    for (const id of ids) {
      const body = eventBody(id)
      const headers = signedHeaders(body)
      const answers = await Promise.all([a, b].map((receiver) => post(receiver.port, '/hook', body, { headers })))
      const accepted = answers.filter((res) => res.status === 200 && res.json?.ok === true)
      assert.equal(accepted.length, 1, JSON.stringify(answers.map((res) => res.text)))
      assert.ok(answers.some(isRefusedCopy), JSON.stringify(answers.map((res) => res.text)))
    }
    const handledA = (await a.handled()).filter((id) => ids.includes(id))
    const handledB = (await b.handled()).filter((id) => ids.includes(id))
    assert.deepEqual([...handledA, ...handledB].sort(), ids)
    // Replays afterwards, to either, are duplicates.
    for (const id of ids.slice(0, 5)) {
      const body = eventBody(id)
      for (const receiver of [a, b]) {
        const res = await postSettled(receiver.port, body, signedHeaders(body))
        assert.deepEqual([res.status, res.json], [200, { duplicate: true }])
      }
    }
  })
})

describe('when Redis is unreachable', { skip }, () => {
  test('redis-server killed: 503 DEDUPE_UNAVAILABLE by default, accepted with onStoreError accept', async () => {
    const redis = await startRedisServer()
    const strict = await startReceiver({ secret: SECRET, redisUrl: redis.url })
    const lenient = await startReceiver({ secret: SECRET, redisUrl: redis.url, onStoreError: 'accept' })
    try {
      const before = eventBody()
      assert.equal((await post(strict.port, '/hook', before, { headers: signedHeaders(before) })).status, 200)
      await redis.stop()
      const body = eventBody('01HREDISDOWN01')
      const refused = await post(strict.port, '/hook', body, { headers: signedHeaders(body) })
      assert.deepEqual([refused.status, refused.json], [503, { error: 'DEDUPE_UNAVAILABLE' }])
      assert.ok(!(await strict.handled()).includes('01HREDISDOWN01'))
      const accepted = await post(lenient.port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(accepted.status, 200, accepted.text)
      assert.deepEqual(await lenient.handled(), ['01HREDISDOWN01'])
    } finally {
      await Promise.all([strict.stop(), lenient.stop()])
      await redis.stop()
    }
  })

  test('Redis on a closed port from the start: 503, or accepted with onStoreError accept', async () => {
    const redisUrl = `redis://127.0.0.1:${await freePort()}`
    const strict = await startReceiver({ secret: SECRET, redisUrl, waitForRedis: false })
    const lenient = await startReceiver({ secret: SECRET, redisUrl, onStoreError: 'accept', waitForRedis: false })
    try {
      const body = eventBody('01HCLOSEDPORT1')
      const refused = await post(strict.port, '/hook', body, { headers: signedHeaders(body) })
      assert.deepEqual([refused.status, refused.json], [503, { error: 'DEDUPE_UNAVAILABLE' }])
      assert.deepEqual(await strict.handled(), [])
      const accepted = await post(lenient.port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(accepted.status, 200, accepted.text)
      assert.deepEqual(await lenient.handled(), ['01HCLOSEDPORT1'])
    } finally {
      await Promise.all([strict.stop(), lenient.stop()])
    }
  })
})
