// createCredentialHolder with a recording client factory (no network): atomic swaps, requests
// in flight finishing on the client they started with, a 401 answered by one reload and one
// retry, coalesced reloads, the interval timer, failures keeping the old credentials, and the
// webhook secrets following the provider. The real customerio-node run under load is in
// credentials/rotation.test.mjs.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import util from 'node:util'

import { collect } from '../helpers/cli.mjs'
import { WebhookVerifier, signWebhook } from '../../index.js'

const require = createRequire(import.meta.url)
const CREDENTIALS = require.resolve('../../lib/credentials/index.js')
const { createCredentialHolder } = require(CREDENTIALS)

const hex = (bytes) => randomBytes(bytes).toString('hex')

/** A mutable secret store standing in for a secret manager; counts its reads of the Track key. */
function store(values) {
  const state = { values: { ...values }, reads: 0, fail: false }
  state.provider = async (name) => {
    if (name === 'CUSTOMERIO_TRACK_API_KEY') state.reads++
    if (state.fail) throw new Error('secret manager unavailable')
    return state.values[name]
  }
  return state
}

function trackValues() {
  return { CUSTOMERIO_SITE_ID: hex(10), CUSTOMERIO_TRACK_API_KEY: hex(10) }
}

/**
 * A factory of fake clients: `identify` answers 401 unless the client's key is in `valid`, and
 * can be held open with `gate` to model a request in flight.
 */
function fakeFactory() {
  const made = []
  const valid = new Set()
  const factory = (credentials) => {
    const client = {
      key: credentials.trackApiKey.reveal(),
      calls: 0,
      gate: null,
      async identify(id) {
        this.calls++
        if (this.gate) await this.gate
        if (!valid.has(this.key)) throw Object.assign(new Error('Unauthorized request'), { statusCode: 401 })
        return { id, key: this.key }
      },
      region: credentials.region,
    }
    made.push(client)
    return client
  }
  return { factory, made, valid }
}

async function holderWith(values, options = {}) {
  const secrets = store(values)
  const fake = fakeFactory()
  fake.valid.add(values.CUSTOMERIO_TRACK_API_KEY)
  const errors = []
  const holder = await createCredentialHolder({
    provider: secrets.provider,
    env: {},
    clientFactory: fake.factory,
    refreshIntervalMs: 0,
    minRefreshIntervalMs: 0,
    onError: (error) => errors.push(error),
    ...options,
  })
  return { holder, secrets, fake, errors }
}

test('the first load builds a client; calls go through it', async (t) => {
  const values = trackValues()
  const { holder, fake } = await holderWith(values)
  t.after(() => holder.close())
  assert.equal(holder.generation, 1)
  assert.equal(fake.made.length, 1)
  assert.deepEqual(await holder.client.identify('1'), { id: '1', key: values.CUSTOMERIO_TRACK_API_KEY })
  assert.equal(holder.client.region, 'us', 'non-function members are read from the current client')
  assert.equal(await holder.withClient((client) => client.key), values.CUSTOMERIO_TRACK_API_KEY)
})

test('a failing first load rejects createCredentialHolder', async () => {
  await assert.rejects(createCredentialHolder({ env: {}, refreshIntervalMs: 0 }), { code: 'ERR_MISSING_CREDENTIAL' })
})

test('a refresh with new credentials swaps atomically; a request in flight finishes on the old client', async (t) => {
  const values = trackValues()
  const { holder, secrets, fake } = await holderWith(values)
  t.after(() => holder.close())
  const old = fake.made[0]
  let open
  old.gate = new Promise((resolve) => (open = resolve))
  const inFlight = holder.client.identify('slow')

  const next = hex(10)
  secrets.values.CUSTOMERIO_TRACK_API_KEY = next
  fake.valid.add(next)
  assert.deepEqual(await holder.refresh(), { changed: true })
  assert.equal(holder.generation, 2)
  assert.equal(fake.made.length, 2)
  assert.deepEqual(await holder.client.identify('fast'), { id: 'fast', key: next }, 'new calls use the new client')
  open()
  assert.deepEqual(
    await inFlight,
    { id: 'slow', key: values.CUSTOMERIO_TRACK_API_KEY },
    'the old call finished on the old client',
  )
  assert.equal(old.calls, 1)
})

test('an unchanged reload keeps the generation and the client', async (t) => {
  const { holder, fake } = await holderWith(trackValues())
  t.after(() => holder.close())
  assert.deepEqual(await holder.refresh(), { changed: false })
  assert.equal(holder.generation, 1)
  assert.equal(fake.made.length, 1)
})

test('a 401 reloads once and retries once on the new client', async (t) => {
  const values = trackValues()
  const { holder, secrets, fake } = await holderWith(values)
  t.after(() => holder.close())
  const next = hex(10)
  secrets.values.CUSTOMERIO_TRACK_API_KEY = next
  fake.valid.clear() // the old key is revoked at the "server"
  fake.valid.add(next)
  const readsBefore = secrets.reads
  assert.deepEqual(await holder.client.identify('7'), { id: '7', key: next })
  assert.equal(secrets.reads - readsBefore, 1)
  assert.deepEqual(
    fake.made.map((c) => c.calls),
    [1, 1],
  )
})

test('many concurrent 401s share one reload, and each request is retried once', async (t) => {
  const { holder, secrets, fake } = await holderWith(trackValues())
  t.after(() => holder.close())
  const next = hex(10)
  secrets.values.CUSTOMERIO_TRACK_API_KEY = next
  fake.valid.clear()
  fake.valid.add(next)
  const readsBefore = secrets.reads
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => holder.client.identify(String(i))))
  assert.ok(results.every((r) => r.key === next))
  assert.equal(secrets.reads - readsBefore, 1, 'one reload for the whole burst')
  assert.equal(holder.generation, 2)
  assert.deepEqual(
    fake.made.map((c) => c.calls),
    [50, 50],
  )
})

test('a 401 with nothing new at the provider is passed on; within minRefreshIntervalMs no reload is repeated', async (t) => {
  const { holder, secrets, fake } = await holderWith(trackValues(), { minRefreshIntervalMs: 3_600_000 })
  t.after(() => holder.close())
  fake.valid.clear() // revoked, and no replacement yet
  const readsBefore = secrets.reads
  await assert.rejects(holder.client.identify('1'), { statusCode: 401 })
  assert.equal(secrets.reads - readsBefore, 1)
  await assert.rejects(holder.client.identify('2'), { statusCode: 401 })
  assert.equal(secrets.reads - readsBefore, 1, 'not reloaded again within the window')
  assert.equal(fake.made[0].calls, 2, 'no retry without a new client')
})

test('other errors are not retried and do not reload', async (t) => {
  const { holder, secrets } = await holderWith(trackValues())
  t.after(() => holder.close())
  const readsBefore = secrets.reads
  let calls = 0
  await assert.rejects(
    holder.withClient(async () => {
      calls++
      throw Object.assign(new Error('server error'), { statusCode: 500 })
    }),
    { statusCode: 500 },
  )
  assert.equal(calls, 1)
  assert.equal(secrets.reads, readsBefore)
})

test('a failed reload keeps the old credentials and reports the error', async (t) => {
  const values = trackValues()
  const { holder, secrets, fake, errors } = await holderWith(values)
  t.after(() => holder.close())
  secrets.fail = true
  await assert.rejects(holder.refresh(), { code: 'ERR_CREDENTIAL_PROVIDER' })
  fake.valid.clear()
  await assert.rejects(holder.client.identify('1'), { statusCode: 401 })
  assert.deepEqual(
    errors.map((e) => e.code),
    ['ERR_CREDENTIAL_PROVIDER'],
    'the 401-triggered reload failure went to onError',
  )
  assert.equal(holder.credentials.trackApiKey.reveal(), values.CUSTOMERIO_TRACK_API_KEY)
})

test('the interval refresh picks up a new key by itself', async (t) => {
  const { holder, secrets } = await holderWith(trackValues(), { refreshIntervalMs: 5 })
  t.after(() => holder.close())
  const next = hex(10)
  secrets.values.CUSTOMERIO_TRACK_API_KEY = next
  // Bounded wait for the timer (no assertion on how long it took).
  for (let i = 0; i < 400 && holder.generation === 1; i++) await new Promise((resolve) => setTimeout(resolve, 5))
  assert.equal(holder.generation, 2)
  assert.equal(holder.credentials.trackApiKey.reveal(), next)
})

test('the interval timer does not keep the process alive', async () => {
  const script = `
    const { createCredentialHolder } = require(${JSON.stringify(CREDENTIALS)})
    createCredentialHolder({ env: { CUSTOMERIO_SITE_ID: '${hex(10)}', CUSTOMERIO_TRACK_API_KEY: '${hex(10)}' },
      clientFactory: () => ({}), refreshIntervalMs: 60000 }).then(() => console.log('loaded'))
  `
  const { code, stdout } = await collect(spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'pipe'] }))
  assert.equal(code, 0)
  assert.equal(stdout, 'loaded\n')
})

test('close(): running calls finish, new calls are refused', async () => {
  const { holder, fake } = await holderWith(trackValues())
  let open
  fake.made[0].gate = new Promise((resolve) => (open = resolve))
  const running = holder.client.identify('1')
  holder.close()
  await assert.rejects(
    holder.withClient(async () => 1),
    { code: 'ERR_HOLDER_CLOSED' },
  )
  assert.throws(() => holder.client.identify, { code: 'ERR_HOLDER_CLOSED' })
  open()
  assert.equal((await running).id, '1')
})

test('webhook secrets follow the provider: the verifier accepts the new key after a refresh, without a restart', async (t) => {
  const oldSecret = randomBytes(16).toString('base64url')
  const newSecret = randomBytes(16).toString('base64url')
  const { holder, secrets } = await holderWith(
    { CUSTOMERIO_WEBHOOK_SECRET: oldSecret },
    { require: ['webhookSecrets'] },
  )
  t.after(() => holder.close())
  assert.throws(() => holder.client.identify, { code: 'ERR_NO_CLIENT' }, 'no Track credentials: no client')
  const verifier = new WebhookVerifier({ secret: holder.webhookSecrets })
  const body = '{"event_id":"1"}'
  const check = (secret) => {
    const headers = signWebhook(body, secret)
    return verifier.verify({ body, signature: headers['x-cio-signature'], timestamp: headers['x-cio-timestamp'] })
  }
  assert.equal(check(oldSecret).valid, true)
  assert.equal(check(newSecret).valid, false)
  secrets.values.CUSTOMERIO_WEBHOOK_SECRET = `${newSecret},${oldSecret}` // overlap while rotating
  await holder.refresh()
  assert.deepEqual([check(newSecret).valid, check(newSecret).secretIndex, check(oldSecret).valid], [true, 0, true])
  secrets.values.CUSTOMERIO_WEBHOOK_SECRET = newSecret
  await holder.refresh()
  assert.deepEqual([check(newSecret).valid, check(oldSecret).valid], [true, false])
  assert.deepEqual(holder.currentWebhookSecrets(), [newSecret])
})

test('the holder and its client print no secret', async (t) => {
  const values = trackValues()
  const { holder } = await holderWith(values)
  t.after(() => holder.close())
  const text = [
    util.inspect(holder, { showHidden: true, depth: Infinity }),
    JSON.stringify(holder),
    util.inspect(holder.client),
    util.inspect(holder.credentials),
  ].join('\n')
  for (const value of Object.values(values)) assert.ok(!text.includes(value))
  assert.match(text, /CredentialHolder \{ region: us/)
})

test('bad options are coded TypeErrors', async () => {
  await assert.rejects(createCredentialHolder({ clientFactory: 'x' }), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(createCredentialHolder({ refreshIntervalMs: -1 }), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(createCredentialHolder(null), { code: 'ERR_INVALID_ARGUMENT' })
})
