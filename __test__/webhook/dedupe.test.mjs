// De-duplication with the in-memory store, through customerioWebhook() in real Express apps over
// real HTTP on 127.0.0.1: a replayed or re-sent delivery reaches the handler once, a failed one
// is let through again, and a store that fails never turns into a silent accept.

import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import http from 'node:http'
import { once } from 'node:events'
import { createHash } from 'node:crypto'

import { CustomerioSecurityTypeError, customerioWebhook } from '../../index.js'
import { memoryDedupeStore } from '../../index.js'
import { EXPRESS_VERSIONS, loadExpress } from '../helpers/express-app.mjs'
import { nowSeconds, post } from '../helpers/express-client.mjs'
import { SECRET, eventBody, gate, signedHeaders, startApp } from '../helpers/dedupe.mjs'

const express5 = loadExpress('express5')

/** Starts an app, runs the test body, always closes it. */
async function withApp(express, options, handle, run) {
  const app = await startApp(express, customerioWebhook({ secret: SECRET, ...options }), handle)
  try {
    await run(app)
  } finally {
    await app.close()
  }
}

function assertDuplicate(res) {
  assert.equal(res.status, 200, res.text)
  assert.deepEqual(res.json, { duplicate: true })
}

for (const version of EXPRESS_VERSIONS) {
  const express = loadExpress(version)

  describe(`dedupe with ${version}`, () => {
    test(`${version}: a replay of the same signed delivery is answered 200 duplicate; the handler ran once`, async () => {
      const duplicates = []
      const options = { dedupe: true, onDuplicate: (key, req, state) => duplicates.push({ key, state, url: req.url }) }
      await withApp(express, options, undefined, async ({ port, log }) => {
        const body = eventBody('01HREPLAY0001')
        const headers = signedHeaders(body)
        const first = await post(port, '/hook', body, { headers })
        assert.equal(first.status, 200, first.text)
        assert.deepEqual(first.json, { ok: true })
        for (let i = 0; i < 3; i++) assertDuplicate(await post(port, '/hook', body, { headers }))
        assert.deepEqual(log, ['01HREPLAY0001'])
        assert.deepEqual(duplicates, Array(3).fill({ key: 'event:01HREPLAY0001', state: 'done', url: '/hook' }))
      })
    })
  })
}

describe('dedupe with the memory store', () => {
  test('different events all reach the handler, in order', async () => {
    await withApp(express5, { dedupe: memoryDedupeStore() }, undefined, async ({ port, log }) => {
      const ids = ['01HDIFF0001', '01HDIFF0002', '01HDIFF0003']
      for (const id of ids) {
        const body = eventBody(id)
        const res = await post(port, '/hook', body, { headers: signedHeaders(body) })
        assert.equal(res.status, 200, res.text)
      }
      assert.deepEqual(log, ids)
    })
  })

  test("Customer.io's re-send of an event (new timestamp, so a new signature) is a duplicate by event_id", async () => {
    await withApp(express5, { dedupe: true }, undefined, async ({ port, log }) => {
      const body = eventBody('01HRESEND001')
      const now = nowSeconds()
      assert.equal(
        (await post(port, '/hook', body, { headers: signedHeaders(body, { timestamp: now - 100 }) })).status,
        200,
      )
      assertDuplicate(await post(port, '/hook', body, { headers: signedHeaders(body, { timestamp: now }) }))
      assert.deepEqual(log, ['01HRESEND001'])
    })
  })

  test('a body without event_id is keyed by its signature, in any letter case', async () => {
    const keys = []
    const options = { dedupe: true, onDuplicate: (key) => keys.push(key) }
    await withApp(express5, options, undefined, async ({ port, log }) => {
      const body = JSON.stringify({ object_type: 'webhook', metric: 'sent', data: { note: 'no event id' } })
      const headers = signedHeaders(body)
      assert.equal((await post(port, '/hook', body, { headers })).status, 200)
      assertDuplicate(await post(port, '/hook', body, { headers }))
      const upper = { ...headers, 'x-cio-signature': headers['x-cio-signature'].toUpperCase() }
      assertDuplicate(await post(port, '/hook', body, { headers: upper }))
      assert.deepEqual(keys, Array(2).fill(`signature:${headers['x-cio-signature']}`))
      // Signed at another second it is another signature: without an event_id only exact
      // replays can be recognised.
      const later = signedHeaders(body, { timestamp: Number(headers['x-cio-timestamp']) - 1 })
      assert.equal((await post(port, '/hook', body, { headers: later })).status, 200)
      assert.equal(log.length, 2)
    })
  })

  test('an event_id that is not a string falls back to the signature', async () => {
    const keys = []
    await withApp(express5, { dedupe: true, onDuplicate: (key) => keys.push(key) }, undefined, async ({ port }) => {
      const body = JSON.stringify({ event_id: 12345, object_type: 'email', metric: 'sent' })
      const headers = signedHeaders(body)
      assert.equal((await post(port, '/hook', body, { headers })).status, 200)
      assertDuplicate(await post(port, '/hook', body, { headers }))
      assert.deepEqual(keys, [`signature:${headers['x-cio-signature']}`])
    })
  })

  test('an event_id longer than 200 characters is keyed by its SHA-256, so keys stay short', async () => {
    const keys = []
    await withApp(
      express5,
      { dedupe: true, onDuplicate: (key) => keys.push(key) },
      undefined,
      async ({ port, log }) => {
        const id = 'x'.repeat(5000)
        const body = eventBody(id)
        assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 200)
        assertDuplicate(await post(port, '/hook', body, { headers: signedHeaders(body) }))
        assert.deepEqual(keys, [`event-sha256:${createHash('sha256').update(id).digest('hex')}`])
        assert.equal(log.length, 1)
      },
    )
  })

  test('forged and invalid deliveries never reach the store', async () => {
    const store = memoryDedupeStore()
    await withApp(express5, { dedupe: store }, undefined, async ({ port, log }) => {
      const body = eventBody()
      const forged = { ...signedHeaders(body), 'x-cio-signature': '0'.repeat(64) }
      assert.equal((await post(port, '/hook', body, { headers: forged })).status, 401)
      assert.equal((await post(port, '/hook', 'not json', { headers: signedHeaders('not json') })).status, 400)
      assert.equal(store.size, 0)
      assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 200)
      assert.equal(store.size, 1)
      assert.equal(log.length, 1)
    })
  })

  test('a handler that fails (500) releases the claim: the retry is accepted, then copies are duplicates', async () => {
    let failures = 1
    const handle = async (req, res) => {
      if (failures-- > 0) throw new Error('database down')
      res.status(204).end()
    }
    await withApp(express5, { dedupe: true }, handle, async ({ port, log }) => {
      const body = eventBody('01HFAILONCE1')
      const failed = await post(port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(failed.status, 500)
      assert.deepEqual(failed.json, { error: 'HANDLER_FAILED' })
      const retried = await post(port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(retried.status, 204)
      assertDuplicate(await post(port, '/hook', body, { headers: signedHeaders(body) }))
      assert.deepEqual(log, ['01HFAILONCE1', '01HFAILONCE1'])
    })
  })

  test('a handler answering 4xx also releases: Customer.io will retry it, so the retry must pass', async () => {
    let answer = 409
    const handle = async (req, res) => {
      res.status(answer).json({})
      answer = 200
    }
    await withApp(express5, { dedupe: true }, handle, async ({ port, log }) => {
      const body = eventBody()
      assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 409)
      assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 200)
      assert.equal(log.length, 2)
    })
  })

  test('a copy arriving while the first is handled is answered 503 DELIVERY_IN_PROGRESS (retried, not lost)', async () => {
    const entered = gate()
    const proceed = gate()
    const states = []
    const handle = async (req, res) => {
      entered.open()
      await proceed.promise
      res.status(200).json({ ok: true })
    }
    const options = { dedupe: true, onDuplicate: (key, req, state) => states.push(state) }
    await withApp(express5, options, handle, async ({ port, log }) => {
      const body = eventBody('01HINFLIGHT1')
      const first = post(port, '/hook', body, { headers: signedHeaders(body) })
      await entered.promise
      const copy = await post(port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(copy.status, 503, copy.text)
      assert.deepEqual(copy.json, { error: 'DELIVERY_IN_PROGRESS' })
      proceed.open()
      assert.equal((await first).status, 200)
      assertDuplicate(await post(port, '/hook', body, { headers: signedHeaders(body) }))
      assert.deepEqual(log, ['01HINFLIGHT1'])
      assert.deepEqual(states, ['in-progress', 'done'])
    })
  })

  // Customer.io stops waiting after 4 s; a handler may still be working. Its own answer, given on a
  // response whose socket is gone, is the verdict: never the connection closing.
  for (const [answer, status, after] of [
    ['succeeds', 200, 'duplicate'],
    ['fails', 500, 'handled again'],
  ]) {
    test(`a connection closed before the handler answered keeps the claim; the handler ${answer} later: ${after}`, async () => {
      const entered = gate()
      const finish = gate()
      const settled = gate()
      const store = memoryDedupeStore()
      const observed = {
        ...store,
        ttlSeconds: store.ttlSeconds,
        leaseSeconds: store.leaseSeconds,
        commit: (key, token) => store.commit(key, token).then(settled.open),
        release: (key, token) => store.release(key, token).then(settled.open),
      }
      let slow = true
      const handle = async (req, res) => {
        if (slow) {
          slow = false
          entered.open()
          await once(res, 'close')
          await finish.promise
          res.status(status).json({ ok: status === 200 })
          return
        }
        res.status(200).json({ ok: true })
      }
      await withApp(express5, { dedupe: observed }, handle, async ({ port, log }) => {
        const body = eventBody('01HABORTED01')
        const aborted = http.request({
          host: '127.0.0.1',
          port,
          path: '/hook',
          method: 'POST',
          agent: false,
          headers: signedHeaders(body),
        })
        aborted.on('error', () => {})
        aborted.end(body)
        await entered.promise
        aborted.destroy()
        // The retry while the first run is still going: refused, so the two never run at once.
        const during = await post(port, '/hook', body, { headers: signedHeaders(body) })
        assert.equal(during.status, 503)
        assert.deepEqual(during.json, { error: 'DELIVERY_IN_PROGRESS' })
        finish.open()
        await settled.promise
        const later = await post(port, '/hook', body, { headers: signedHeaders(body) })
        assert.equal(later.status, 200)
        if (status === 200) {
          assertDuplicate(later)
          assert.deepEqual(log, ['01HABORTED01'])
        } else {
          assert.deepEqual(log, ['01HABORTED01', '01HABORTED01'])
        }
      })
    })
  }
})

describe('dedupe when the store fails', () => {
  // A store that is down: every call rejects, as a client whose server went away would.
  function brokenStore() {
    const down = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:1')
    }
    return { ttlSeconds: 86_400, claim: down, commit: down, release: down, isDone: down }
  }

  test('by default the delivery is refused with 503 DEDUPE_UNAVAILABLE (Customer.io retries) and reported', async () => {
    const errors = []
    const options = {
      dedupe: brokenStore(),
      onDedupeError: (error, phase) => errors.push({ message: error.message, phase }),
    }
    await withApp(express5, options, undefined, async ({ port, log }) => {
      const body = eventBody()
      const res = await post(port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(res.status, 503)
      assert.deepEqual(res.json, { error: 'DEDUPE_UNAVAILABLE' })
      assert.deepEqual(log, [])
      assert.deepEqual(errors, [{ message: 'connect ECONNREFUSED 127.0.0.1:1', phase: 'claim' }])
    })
  })

  test("with onStoreError: 'accept' the delivery is handled, and the failure is still reported", async () => {
    const errors = []
    const options = {
      dedupe: brokenStore(),
      onStoreError: 'accept',
      onDedupeError: (error, phase) => errors.push(phase),
    }
    await withApp(express5, options, undefined, async ({ port, log }) => {
      const body = eventBody()
      const res = await post(port, '/hook', body, { headers: signedHeaders(body) })
      assert.equal(res.status, 200)
      assert.equal(log.length, 1)
      assert.deepEqual(errors, ['claim'])
    })
  })

  test('without onDedupeError a store failure becomes a process warning, never silence', async () => {
    const warnings = []
    const onWarning = (warning) => warnings.push(warning)
    process.on('warning', onWarning)
    try {
      await withApp(express5, { dedupe: brokenStore(), onStoreError: 'accept' }, undefined, async ({ port }) => {
        const body = eventBody()
        assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 200)
        // Warnings are emitted on the next tick; one more request makes sure it has passed.
        assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 200)
      })
    } finally {
      process.off('warning', onWarning)
    }
    assert.ok(warnings.length >= 1)
    assert.equal(warnings[0].code, 'CUSTOMERIO_DEDUPE_STORE')
    assert.match(warnings[0].message, /failed at claim/)
  })

  test('a commit that fails after a 2xx is reported, and the answer already sent stands', async () => {
    const store = memoryDedupeStore()
    const reported = gate()
    const failingCommit = {
      ...store,
      ttlSeconds: store.ttlSeconds,
      commit: async () => Promise.reject(new Error('gone')),
    }
    const options = { dedupe: failingCommit, onDedupeError: (error, phase) => reported.open(phase) }
    await withApp(express5, options, undefined, async ({ port }) => {
      const body = eventBody()
      assert.equal((await post(port, '/hook', body, { headers: signedHeaders(body) })).status, 200)
      assert.equal(await reported.promise, 'commit')
    })
  })
})

describe('dedupe options are checked when the route is mounted', () => {
  function assertDedupeMisuse(options, code = 'ERR_INVALID_DEDUPE') {
    assert.throws(
      () => customerioWebhook({ secret: SECRET, ...options }),
      (error) => error instanceof CustomerioSecurityTypeError && error.code === code,
    )
  }

  test('a store must have the four methods and a ttlSeconds', () => {
    assertDedupeMisuse({ dedupe: {} })
    assertDedupeMisuse({ dedupe: 'redis' })
    assertDedupeMisuse({ dedupe: { claim() {}, commit() {}, release() {}, isDone() {} } })
  })

  test('a TTL shorter than twice the tolerance window is refused (a replay could pass)', () => {
    assertDedupeMisuse({ dedupe: memoryDedupeStore({ ttlSeconds: 599 }) })
    assertDedupeMisuse({ dedupe: memoryDedupeStore({ ttlSeconds: 1000 }), toleranceSeconds: 600 })
    customerioWebhook({ secret: SECRET, dedupe: memoryDedupeStore({ ttlSeconds: 600 }) })
    customerioWebhook({ secret: SECRET, dedupe: memoryDedupeStore({ ttlSeconds: 120 }), toleranceSeconds: 60 })
  })

  test('onStoreError, onDuplicate and onDedupeError are checked', () => {
    assertDedupeMisuse({ dedupe: true, onStoreError: 'ignore' })
    assertDedupeMisuse({ dedupe: true, onDuplicate: 'log' }, 'ERR_INVALID_ARGUMENT')
    assertDedupeMisuse({ dedupe: true, onDedupeError: 1 }, 'ERR_INVALID_ARGUMENT')
  })

  test('store options are checked when the store is built', () => {
    assert.throws(() => memoryDedupeStore({ max: 0 }), { code: 'ERR_INVALID_DEDUPE' })
    assert.throws(() => memoryDedupeStore({ ttlSeconds: -1 }), { code: 'ERR_INVALID_DEDUPE' })
    assert.throws(() => memoryDedupeStore({ ttlSeconds: 100, leaseSeconds: 200 }), { code: 'ERR_INVALID_DEDUPE' })
    assert.throws(() => memoryDedupeStore(null), { code: 'ERR_INVALID_ARGUMENT' })
  })
})
