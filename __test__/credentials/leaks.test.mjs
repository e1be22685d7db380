// A loaded secret never leaks by accident: every implicit way to turn a SecretValue (or the
// credentials object holding them) into text shows [REDACTED]. The values are random per run,
// and each test also checks reveal() returns them, so an absent value cannot pass for a hidden one.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import util from 'node:util'

import { collect } from '../helpers/cli.mjs'

const require = createRequire(import.meta.url)
const CREDENTIALS = require.resolve('../../lib/credentials/index.js')
const { SecretValue, loadCredentials } = require(CREDENTIALS)

function secretEnv() {
  return {
    CUSTOMERIO_SITE_ID: randomBytes(10).toString('hex'),
    CUSTOMERIO_TRACK_API_KEY: randomBytes(10).toString('hex'),
    CUSTOMERIO_APP_API_KEY: randomBytes(16).toString('hex'),
    CUSTOMERIO_WEBHOOK_SECRET: `${randomBytes(12).toString('base64url')},${randomBytes(12).toString('base64url')}`,
  }
}

function rawValues(env) {
  return [
    env.CUSTOMERIO_SITE_ID,
    env.CUSTOMERIO_TRACK_API_KEY,
    env.CUSTOMERIO_APP_API_KEY,
    ...env.CUSTOMERIO_WEBHOOK_SECRET.split(','),
  ]
}

function assertNoSecret(text, values, how) {
  for (const value of values) assert.ok(!text.includes(value), `${how} exposed a secret`)
}

async function loaded() {
  const env = secretEnv()
  const credentials = await loadCredentials({ env, require: ['siteId', 'trackApiKey', 'appApiKey', 'webhookSecrets'] })
  const secrets = [credentials.siteId, credentials.trackApiKey, credentials.appApiKey, ...credentials.webhookSecrets]
  // Not vacuous: the values are there, behind reveal().
  assert.deepEqual(
    secrets.map((s) => s.reveal()),
    rawValues(env),
  )
  return { env, credentials, secrets, values: rawValues(env) }
}

test('String, template literals, concatenation, valueOf and toString show [REDACTED]', async () => {
  const { secrets, values } = await loaded()
  for (const s of secrets) {
    const texts = [String(s), `${s}`, '' + s, s + '', s.toString(), String(s.valueOf()), [s].join(','), `${[s]}`]
    for (const text of texts) assert.equal(text.replace(/,$/, ''), '[REDACTED]')
    assertNoSecret(texts.join('\n'), values, 'a string conversion')
  }
})

test('JSON.stringify of a secret and of the whole credentials object', async () => {
  const { credentials, secrets, values } = await loaded()
  for (const s of secrets) assert.equal(JSON.stringify(s), '"[REDACTED]"')
  const json = JSON.stringify(credentials)
  assertNoSecret(json, values, 'JSON.stringify')
  assert.deepEqual(JSON.parse(json), {
    siteId: '[REDACTED]',
    trackApiKey: '[REDACTED]',
    appApiKey: '[REDACTED]',
    webhookSecrets: ['[REDACTED]', '[REDACTED]'],
    region: 'us',
    trackUrl: 'https://track.customer.io/api/v1',
    appApiUrl: 'https://api.customer.io/v1',
  })
})

test('util.inspect in every mode, and util.format with every specifier', async () => {
  const { credentials, secrets, values } = await loaded()
  const texts = [
    util.inspect(credentials),
    util.inspect(credentials, { showHidden: true, depth: Infinity, getters: true }),
    util.inspect(credentials, { colors: true, compact: false }),
    util.inspect(new Map([[secrets[0], { nested: [secrets[1]] }]]), { showHidden: true }),
    util.format('%s %o %O %j %d %i %f', ...secrets.slice(0, 4), secrets[0], secrets[1], secrets[2]),
    util.format(credentials),
  ]
  for (const text of texts) assertNoSecret(text, values, 'util.inspect/format')
  assert.match(texts[0], /siteId: \[REDACTED\]/)
})

test('Object.keys, spread, Object.assign, getOwnPropertyNames, Reflect.ownKeys and structuredClone see nothing', async () => {
  const { secrets, values } = await loaded()
  for (const s of secrets) {
    assert.deepEqual(Object.keys(s), [])
    assert.deepEqual(Reflect.ownKeys(s), [])
    assert.deepEqual(Object.getOwnPropertyNames(s), [])
    assert.deepEqual({ ...s }, {})
    assert.deepEqual(Object.assign({}, s), {})
    const clone = structuredClone(s)
    assertNoSecret(util.inspect(clone, { showHidden: true }) + JSON.stringify(clone), values, 'structuredClone')
    assert.ok(!SecretValue.isSecretValue(clone))
    let forIn = ''
    for (const key in s) forIn += key
    assert.equal(forIn, '')
    assert.ok(Object.isFrozen(s))
  }
})

test("a thrown error's message and stack, also with the secret as its cause", async () => {
  const { secrets, values } = await loaded()
  for (const s of secrets) {
    const errors = [
      new Error(`request failed for key ${s}`),
      new Error('request failed: ' + s),
      new TypeError(util.format('bad key %s', s)),
      new Error('wrapped', { cause: s }),
      new AggregateError([new Error(`${s}`)], `all failed ${s}`),
    ]
    for (const error of errors) {
      let caught
      try {
        throw error
      } catch (e) {
        caught = e
      }
      assertNoSecret(`${caught.message}\n${caught.stack}\n${util.inspect(caught)}`, values, 'an error')
    }
    assert.match(errors[0].message, /\[REDACTED\]$/)
  }
})

test('console.log, console.error, console.dir, console.table and an uncaught error in a real process', async () => {
  const env = secretEnv()
  // The child loads the credentials from its real environment and prints them every way.
  const script = `
    const { loadCredentials } = require(${JSON.stringify(CREDENTIALS)})
    loadCredentials({ require: ['siteId', 'trackApiKey', 'appApiKey', 'webhookSecrets'] }).then((c) => {
      console.log(c)
      console.log('key: %s, site: %o, app: %j', c.trackApiKey, c.siteId, c.appApiKey)
      console.log(\`template \${c.trackApiKey} \${c.webhookSecrets}\`)
      console.error(c.webhookSecrets, c.siteId)
      console.info({ nested: { deeper: c } })
      console.dir(c, { depth: null, showHidden: true })
      console.table([{ key: c.trackApiKey, site: c.siteId }])
      console.log(c.trackApiKey.reveal().length)
      throw new Error(\`could not connect with \${c.siteId}:\${c.trackApiKey}\`)
    })
  `
  const child = spawn(process.execPath, ['-e', script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const { code, stdout, stderr } = await collect(child)
  assert.notEqual(code, 0, 'the uncaught error ended the process')
  assert.match(stdout, /\[REDACTED\]/)
  assert.match(stdout, /^20$/m, 'reveal() worked inside the child')
  assert.match(stderr, /could not connect with \[REDACTED\]:\[REDACTED\]/)
  assertNoSecret(stdout + stderr, rawValues(env), 'console output')
})

test('SecretValue refuses non-strings and empty strings; equals compares without revealing', () => {
  assert.throws(() => new SecretValue(''), { code: 'ERR_EMPTY_SECRET' })
  assert.throws(() => new SecretValue(42), { code: 'ERR_INVALID_SECRET' })
  const value = randomBytes(8).toString('hex')
  const s = new SecretValue(value)
  assert.ok(s.equals(value))
  assert.ok(s.equals(new SecretValue(value)))
  assert.ok(!s.equals(value + 'x'))
  assert.ok(!s.equals(undefined))
})
