// De-duplication when the handler or the store misbehaves: a handler longer than its lease, a
// handler that never answers, a store that loses a claim, a Redis stall that swallows a claim's
// answer (SIGSTOP), a commit that fails once, a Redis that persists nothing, and the clients
// people configure (node-redis 4 and 5, ioredis with and without lazyConnect) against a real
// redis-server.
import test, { describe } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { setTimeout as sleep } from 'node:timers/promises'
import { eventBody, gate, signedHeaders, SECRET, startApp } from '../helpers/dedupe.mjs'
import { post } from '../helpers/express-client.mjs'
import { missingRedisPolicy, startRedisServer } from '../helpers/redis-server.mjs'

const require = createRequire(import.meta.url)
const { customerioWebhook, memoryDedupeStore, redisDedupeStore } = require('../../index.js')
const express5 = require('express5')
const { createClient } = require('redis')
const { createClient: createClient4 } = require('redis4')
const Redis = require('ioredis')

const redisPolicy = missingRedisPolicy()

async function withApp(options, handle, body) {
  const app = await startApp(express5, customerioWebhook({ secret: SECRET, ...options }), handle)
  try {
    await body(app)
  } finally {
    await app.close()
  }
}

function deliver(port, body) {
  return post(port, '/hook', body, { headers: signedHeaders(body) })
}

/** Polls `check` until it is true or `ms` pass; resolves to whether it became true. */
async function eventually(check, ms) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (await check()) return true
    await sleep(25)
  }
  return check()
}

describe('a handler longer than its lease', { timeout: 60_000 }, () => {
  test('its claim is renewed while it runs: a copy during the run is refused, never run beside it', async () => {
    const store = memoryDedupeStore({ leaseSeconds: 0.2 })
    const finish = gate()
    const entered = gate()
    let running = 0
    let overlap = false
    const handle = async (req, res) => {
      running++
      if (running > 1) overlap = true
      entered.open()
      await finish.promise
      running--
      res.status(200).json({ ok: true })
    }
    await withApp({ dedupe: store }, handle, async ({ port, log }) => {
      const body = eventBody()
      const first = deliver(port, body)
      await entered.promise
      // Five leases later, the claim is still held.
      await sleep(1000)
      const during = await deliver(port, body)
      assert.equal(during.status, 503)
      assert.deepEqual(during.json, { error: 'DELIVERY_IN_PROGRESS' })
      finish.open()
      assert.equal((await first).status, 200)
      assert.equal((await deliver(port, body)).json.duplicate, true)
      assert.equal(log.length, 1)
      assert.equal(overlap, false)
    })
  })

  test('a handler that never answers stops being renewed after maxHandlerSeconds, reported, and its lease runs out', async () => {
    const store = memoryDedupeStore({ leaseSeconds: 0.2 })
    const errors = []
    const release = gate()
    let calls = 0
    const handle = async (req, res) => {
      if (++calls === 1) {
        await release.promise
        return
      }
      res.status(200).json({ ok: true })
    }
    const options = { dedupe: store, maxHandlerSeconds: 0.5, onDedupeError: (error, phase) => errors.push(phase) }
    await withApp(options, handle, async ({ port, log }) => {
      const body = eventBody()
      const hung = deliver(port, body).catch(() => undefined)
      const accepted = await eventually(async () => (await deliver(port, body)).status === 200, 3000)
      assert.ok(accepted, 'a copy was accepted once the hung handler lost its claim')
      assert.deepEqual(errors, ['renew'])
      assert.equal(log.length, 2)
      release.open()
      void hung
    })
  })

  test('a renewal that finds the claim gone reports it', async () => {
    const store = memoryDedupeStore({ leaseSeconds: 0.15 })
    const lossy = { ...store, ttlSeconds: store.ttlSeconds, leaseSeconds: store.leaseSeconds, renew: async () => false }
    const errors = []
    const finish = gate()
    await withApp(
      { dedupe: lossy, onDedupeError: (error, phase) => errors.push([phase, error.message]) },
      async (req, res) => {
        await finish.promise
        res.status(200).json({ ok: true })
      },
      async ({ port }) => {
        const pending = deliver(port, eventBody())
        assert.ok(await eventually(() => errors.length > 0, 2000))
        assert.equal(errors[0][0], 'renew')
        assert.match(errors[0][1], /claim was lost/)
        finish.open()
        await pending
      },
    )
  })
})

describe('a renewal answered after the delivery is complete', { timeout: 60_000 }, () => {
  test('reports nothing: the claim was committed, not lost', async () => {
    const store = memoryDedupeStore({ leaseSeconds: 0.15 })
    const pending = []
    const slow = {
      ...store,
      ttlSeconds: store.ttlSeconds,
      leaseSeconds: store.leaseSeconds,
      // The renewal hangs until the test answers it, after the handler has.
      renew: () => new Promise((resolve) => pending.push(resolve)),
    }
    const errors = []
    await withApp(
      { dedupe: slow, onDedupeError: (error, phase) => errors.push([phase, error.message]) },
      async (req, res) => {
        assert.ok(await eventually(() => pending.length > 0, 2000), 'a renewal started')
        res.status(200).json({ ok: true })
      },
      async ({ port }) => {
        assert.equal((await deliver(port, eventBody())).status, 200)
        for (const answer of pending) answer(false)
        await sleep(50)
        assert.deepEqual(errors, [])
      },
    )
  })
})

describe('a store that fails', { timeout: 60_000 }, () => {
  test('a commit that fails is reported and retried: a later copy is still a duplicate', async () => {
    const store = memoryDedupeStore()
    let failures = 1
    const flaky = {
      ...store,
      ttlSeconds: store.ttlSeconds,
      leaseSeconds: store.leaseSeconds,
      commit: async (key, token) => {
        if (failures-- > 0) throw new Error('connection lost')
        return store.commit(key, token)
      },
    }
    const errors = []
    await withApp(
      { dedupe: flaky, onDedupeError: (error, phase) => errors.push(phase) },
      undefined,
      async ({ port, log }) => {
        const body = eventBody()
        assert.equal((await deliver(port, body)).status, 200)
        assert.ok(await eventually(async () => await store.isDone(`event:${JSON.parse(body).event_id}`), 2000))
        assert.equal((await deliver(port, body)).json.duplicate, true)
        assert.deepEqual(errors, ['commit'])
        assert.equal(log.length, 1)
      },
    )
  })

  test('a claim whose answer timed out during a Redis stall is deleted by its token when Redis resumes', {
    ...redisPolicy,
  }, async (t) => {
    if (redisPolicy.missing) assert.fail(redisPolicy.missing)
    const server = await startRedisServer()
    const client = createClient({ url: server.url })
    client.on('error', () => {})
    await client.connect()
    t.after(async () => {
      server.resume()
      await client.quit().catch(() => {})
      await server.stop()
    })
    const store = redisDedupeStore(client, { timeoutMs: 300, warnWithoutPersistence: false })
    const errors = []
    await withApp(
      { dedupe: store, onDedupeError: (error, phase) => errors.push(phase) },
      undefined,
      async ({ port, log }) => {
        const body = eventBody()
        server.pause()
        const stalled = await deliver(port, body)
        assert.equal(stalled.status, 503)
        assert.deepEqual(stalled.json, { error: 'DEDUPE_UNAVAILABLE' })
        await sleep(500)
        server.resume()
        // The SET NX sent during the stall is applied now; without the clean-up it would hold the
        // key for the whole 60 s lease, and every copy would be refused until then.
        const resumedAt = Date.now()
        const accepted = await eventually(async () => (await deliver(port, body)).status === 200, 5000)
        assert.ok(accepted, 'the next copy after the stall was accepted')
        assert.ok(Date.now() - resumedAt < 3000, `accepted ${Date.now() - resumedAt} ms after the stall`)
        assert.equal(log.length, 1)
        assert.ok(errors.includes('claim'))
        const key = `customerio-security:dedupe:event:${JSON.parse(body).event_id}`
        assert.equal(await client.get(key), 'd')
      },
    )
  })
})

describe('Redis persistence', { ...redisPolicy }, () => {
  async function serverWith(t, args) {
    if (redisPolicy.missing) assert.fail(redisPolicy.missing)
    const server = await startRedisServer({ args })
    const client = createClient({ url: server.url })
    client.on('error', () => {})
    await client.connect()
    t.after(async () => {
      await client.quit().catch(() => {})
      await server.stop()
    })
    return client
  }

  async function warningsDuring(fn) {
    const seen = []
    const listener = (warning) => seen.push(warning.code)
    process.on('warning', listener)
    try {
      await fn()
      await sleep(50)
    } finally {
      process.off('warning', listener)
    }
    return seen
  }

  test('a server that persists nothing: the store says so, with a coded process warning', async (t) => {
    const client = await serverWith(t, [])
    let found
    const warnings = await warningsDuring(async () => {
      found = await redisDedupeStore(client).persistence()
    })
    assert.deepEqual(found, { aof: false, rdb: false })
    assert.deepEqual(warnings, ['CUSTOMERIO_DEDUPE_NOT_PERSISTENT'])
  })

  test('append-only or snapshots: read, and no warning', async (t) => {
    for (const args of [
      ['--appendonly', 'yes', '--appendfsync', 'always'],
      ['--save', '60 1'],
    ]) {
      const client = await serverWith(t, args)
      let found
      const warnings = await warningsDuring(async () => {
        found = await redisDedupeStore(client).persistence()
      })
      assert.equal(found.aof || found.rdb, true, args.join(' '))
      assert.deepEqual(warnings, [])
    }
  })

  test('CONFIG forbidden (managed Redis): nothing is said', async (t) => {
    const client = await serverWith(t, ['--rename-command', 'CONFIG', ''])
    let found
    const warnings = await warningsDuring(async () => {
      found = await redisDedupeStore(client).persistence()
    })
    assert.equal(found, null)
    assert.deepEqual(warnings, [])
  })
})

describe('clients as people configure them', { ...redisPolicy, timeout: 60_000 }, () => {
  const clients = {
    'node-redis 5': async (url) => {
      const client = createClient({ url })
      client.on('error', () => {})
      await client.connect()
      return { client, close: () => client.quit() }
    },
    'node-redis 4': async (url) => {
      const client = createClient4({ url })
      client.on('error', () => {})
      await client.connect()
      return { client, close: () => client.quit() }
    },
    ioredis: async (url) => {
      const client = new Redis(url)
      client.on('error', () => {})
      await new Promise((resolve) => client.once('ready', resolve))
      return { client, close: () => client.quit() }
    },
    'ioredis with lazyConnect (never connected by the app)': async (url) => {
      const client = new Redis(url, { lazyConnect: true })
      client.on('error', () => {})
      return { client, close: () => client.quit() }
    },
  }

  for (const [name, connect] of Object.entries(clients)) {
    test(`${name}: accepted once, then a duplicate; a slow handler renewed, not run twice`, async (t) => {
      if (redisPolicy.missing) assert.fail(redisPolicy.missing)
      const server = await startRedisServer()
      const { client, close } = await connect(server.url)
      t.after(async () => {
        await close().catch(() => {})
        await server.stop()
      })
      const store = redisDedupeStore(client, { leaseSeconds: 0.3, warnWithoutPersistence: false })
      const slow = gate()
      const entered = gate()
      let first = true
      const handle = async (req, res) => {
        if (first) {
          first = false
          entered.open()
          await slow.promise
        }
        res.status(200).json({ ok: true })
      }
      await withApp({ dedupe: store }, handle, async ({ port, log }) => {
        const body = eventBody()
        const running = deliver(port, body)
        await entered.promise
        await sleep(900)
        assert.equal((await deliver(port, body)).status, 503)
        slow.open()
        assert.equal((await running).status, 200)
        assert.equal((await deliver(port, body)).json.duplicate, true)
        const other = eventBody()
        assert.equal((await deliver(port, other)).status, 200)
        assert.equal((await deliver(port, other)).json.duplicate, true)
        assert.equal(log.length, 2)
      })
    })
  }
})
