// loadCredentials: where values come from (env, provider, provider with env fallback), what is
// required, the shape checks, trimming and warnings. Every error and warning is checked to
// name the variable and never contain the value.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { SecretValue, loadCredentials } = require('../../lib/credentials/index.js')

const hex = (bytes) => randomBytes(bytes).toString('hex')

function validEnv() {
  return { CUSTOMERIO_SITE_ID: hex(10), CUSTOMERIO_TRACK_API_KEY: hex(10) }
}

/** Loads, collecting warnings; the warnings never hold any of `values`. */
async function load(options, values = Object.values(options.env ?? {})) {
  const warnings = []
  const credentials = await loadCredentials({ onWarning: (w) => warnings.push(w), ...options })
  for (const w of warnings)
    for (const v of values) assert.ok(!JSON.stringify(w).includes(v.trim()), 'a warning holds a value')
  return { credentials, warnings }
}

async function rejectsNaming(promise, code, variable, values) {
  const error = await promise.then(
    () => assert.fail('expected a rejection'),
    (e) => e,
  )
  assert.equal(error.code, code)
  assert.equal(error.variable, variable)
  assert.ok(error.message.includes(variable), error.message)
  for (const value of values)
    assert.ok(!`${error.message}\n${error.stack}`.includes(value), 'the error holds the value')
  return error
}

test('the default: site id and Track API key from the environment, region us and its URL', async () => {
  const env = validEnv()
  const { credentials, warnings } = await load({ env })
  assert.ok(SecretValue.isSecretValue(credentials.siteId))
  assert.equal(credentials.siteId.reveal(), env.CUSTOMERIO_SITE_ID)
  assert.equal(credentials.trackApiKey.reveal(), env.CUSTOMERIO_TRACK_API_KEY)
  assert.equal(credentials.appApiKey, undefined)
  assert.deepEqual(credentials.webhookSecrets, [])
  assert.equal(credentials.region, 'us')
  assert.equal(credentials.trackUrl, 'https://track.customer.io/api/v1')
  assert.deepEqual(warnings, [])
  assert.ok(Object.isFrozen(credentials) && Object.isFrozen(credentials.webhookSecrets))
})

test('process.env is the default source', async () => {
  const env = validEnv()
  const saved = { ...process.env }
  Object.assign(process.env, env)
  try {
    const credentials = await loadCredentials()
    assert.equal(credentials.trackApiKey.reveal(), env.CUSTOMERIO_TRACK_API_KEY)
  } finally {
    for (const name of Object.keys(env)) if (!(name in saved)) delete process.env[name]
  }
})

test('region eu (any case) picks the EU URL; CUSTOMERIO_TRACK_URL overrides it, trailing slash removed', async () => {
  const eu = await load({ env: { ...validEnv(), CUSTOMERIO_REGION: 'EU' } })
  assert.equal(eu.credentials.region, 'eu')
  assert.equal(eu.credentials.trackUrl, 'https://track-eu.customer.io/api/v1')
  const custom = await load({ env: { ...validEnv(), CUSTOMERIO_TRACK_URL: 'http://127.0.0.1:9/api/v1/' } })
  assert.equal(custom.credentials.trackUrl, 'http://127.0.0.1:9/api/v1')
})

test('bad region and URLs are errors naming the variable', async () => {
  await rejectsNaming(
    loadCredentials({ env: { ...validEnv(), CUSTOMERIO_REGION: 'mars' } }),
    'ERR_INVALID_CREDENTIAL',
    'CUSTOMERIO_REGION',
    ['mars'],
  )
  const withUser = 'https://someone:hunter2secret@track.customer.io/api/v1'
  await rejectsNaming(
    loadCredentials({ env: { ...validEnv(), CUSTOMERIO_TRACK_URL: withUser } }),
    'ERR_INVALID_CREDENTIAL',
    'CUSTOMERIO_TRACK_URL',
    ['hunter2secret'],
  )
  await rejectsNaming(
    loadCredentials({ env: { ...validEnv(), CUSTOMERIO_TRACK_URL: 'not a url' } }),
    'ERR_INVALID_CREDENTIAL',
    'CUSTOMERIO_TRACK_URL',
    [],
  )
  await rejectsNaming(
    loadCredentials({ env: { ...validEnv(), CUSTOMERIO_TRACK_URL: 'ftp://x/api/v1' } }),
    'ERR_INVALID_CREDENTIAL',
    'CUSTOMERIO_TRACK_URL',
    [],
  )
})

test('a missing required variable is an error naming it (all of them); set-but-empty counts as missing', async () => {
  const env = validEnv()
  const error = await rejectsNaming(loadCredentials({ env: {} }), 'ERR_MISSING_CREDENTIAL', 'CUSTOMERIO_SITE_ID', [])
  assert.deepEqual(error.variables, ['CUSTOMERIO_SITE_ID', 'CUSTOMERIO_TRACK_API_KEY'])
  assert.equal(error.name, 'CustomerioSecurityError')
  await rejectsNaming(
    loadCredentials({ env: { ...env, CUSTOMERIO_TRACK_API_KEY: '  \n' } }),
    'ERR_MISSING_CREDENTIAL',
    'CUSTOMERIO_TRACK_API_KEY',
    [env.CUSTOMERIO_SITE_ID],
  )
})

test('require names what a service needs: a receiver asks for the webhook secrets only', async () => {
  const secret = randomBytes(16).toString('base64url')
  const { credentials } = await load({ env: { CUSTOMERIO_WEBHOOK_SECRET: secret }, require: ['webhookSecrets'] })
  assert.equal(credentials.siteId, undefined)
  assert.deepEqual(
    credentials.webhookSecrets.map((s) => s.reveal()),
    [secret],
  )
  await rejectsNaming(
    loadCredentials({ env: validEnv(), require: ['webhookSecrets'] }),
    'ERR_MISSING_CREDENTIAL',
    'CUSTOMERIO_WEBHOOK_SECRET',
    [],
  )
  await rejectsNaming(
    loadCredentials({ env: validEnv(), require: ['appApiKey'] }),
    'ERR_MISSING_CREDENTIAL',
    'CUSTOMERIO_APP_API_KEY',
    [],
  )
  await assert.rejects(loadCredentials({ env: {}, require: ['password'] }), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(loadCredentials({ env: {}, require: 'siteId' }), { code: 'ERR_INVALID_ARGUMENT' })
})

test('several webhook secrets, comma-separated while rotating; an empty entry warns', async () => {
  const [a, b] = [randomBytes(16).toString('base64url'), randomBytes(16).toString('base64url')]
  const { credentials, warnings } = await load(
    { env: { CUSTOMERIO_WEBHOOK_SECRET: `${a}, ${b},` }, require: ['webhookSecrets'] },
    [a, b],
  )
  assert.deepEqual(
    credentials.webhookSecrets.map((s) => s.reveal()),
    [a, b],
  )
  assert.deepEqual(
    warnings.map((w) => [w.code, w.variable]),
    [['CUSTOMERIO_EMPTY_WEBHOOK_SECRET', 'CUSTOMERIO_WEBHOOK_SECRET']],
  )
})

test('shape checks: 20 hex for the site id and Track key, 32 hex for the App key; never the value in the error', async () => {
  const appKey = hex(16)
  const cases = [
    ['CUSTOMERIO_SITE_ID', hex(9), /20 hex characters \(it has 18 characters\)/],
    ['CUSTOMERIO_TRACK_API_KEY', appKey, /shape of an App API key/],
    ['CUSTOMERIO_TRACK_API_KEY', `"${hex(10)}"`, /including quotes/],
    ['CUSTOMERIO_TRACK_API_KEY', `${hex(9)}zz`, /not all hex/],
    ['CUSTOMERIO_APP_API_KEY', hex(10), /32 hex characters.*shape of a site id or Track API key/],
  ]
  for (const [variable, value, problem] of cases) {
    const env = { ...validEnv(), [variable]: value }
    const error = await rejectsNaming(loadCredentials({ env }), 'ERR_INVALID_CREDENTIAL', variable, [
      value.replaceAll('"', ''),
      ...Object.values(env),
    ])
    assert.match(error.message, problem)
  }
  // checkShapes: false accepts any non-empty value (a proxy with its own tokens).
  const { credentials } = await load({
    env: { CUSTOMERIO_SITE_ID: 'proxy-site', CUSTOMERIO_TRACK_API_KEY: 'proxy-token' },
    checkShapes: false,
  })
  assert.equal(credentials.siteId.reveal(), 'proxy-site')
})

test('surrounding whitespace and a trailing newline are trimmed, with a warning naming the variable', async () => {
  const env = validEnv()
  const { credentials, warnings } = await load({
    env: { ...env, CUSTOMERIO_TRACK_API_KEY: `${env.CUSTOMERIO_TRACK_API_KEY}\n`, CUSTOMERIO_REGION: ' eu ' },
  })
  assert.equal(credentials.trackApiKey.reveal(), env.CUSTOMERIO_TRACK_API_KEY)
  assert.equal(credentials.region, 'eu')
  assert.deepEqual(
    warnings.map((w) => [w.code, w.variable]),
    [
      ['CUSTOMERIO_CREDENTIAL_WHITESPACE', 'CUSTOMERIO_TRACK_API_KEY'],
      ['CUSTOMERIO_CREDENTIAL_WHITESPACE', 'CUSTOMERIO_REGION'],
    ],
  )
})

test('a webhook secret that looks like a Track or App key warns (a common mistake)', async () => {
  const trackLike = hex(10)
  const appLike = hex(16)
  const { warnings } = await load(
    { env: { CUSTOMERIO_WEBHOOK_SECRET: `${trackLike},${appLike}` }, require: ['webhookSecrets'] },
    [trackLike, appLike],
  )
  assert.deepEqual(
    warnings.map((w) => w.code),
    ['CUSTOMERIO_WEBHOOK_SECRET_LOOKS_LIKE_API_KEY', 'CUSTOMERIO_WEBHOOK_SECRET_LOOKS_LIKE_API_KEY'],
  )
  assert.match(warnings[0].message, /#0 looks like a site id or Track API key/)
  assert.match(warnings[1].message, /#1 looks like an App API key/)
})

test('without onWarning, warnings go to process.emitWarning with a code', async () => {
  const env = validEnv()
  const seen = once(process, 'warning')
  await loadCredentials({ env: { ...env, CUSTOMERIO_SITE_ID: ` ${env.CUSTOMERIO_SITE_ID}` } })
  const [warning] = await seen
  assert.equal(warning.code, 'CUSTOMERIO_CREDENTIAL_WHITESPACE')
  assert.equal(warning.name, 'CustomerioSecurityWarning')
  assert.ok(!warning.message.includes(env.CUSTOMERIO_SITE_ID))
})

test('an async provider (a secret manager) answers first; names it has no value for fall back to env', async () => {
  const fromManager = validEnv()
  const asked = []
  const provider = async (name) => {
    asked.push(name)
    if (name === 'CUSTOMERIO_TRACK_API_KEY') return Buffer.from(`${fromManager.CUSTOMERIO_TRACK_API_KEY}\n`) // bytes, as GCP answers
    return name === 'CUSTOMERIO_SITE_ID' ? fromManager.CUSTOMERIO_SITE_ID : undefined
  }
  const { credentials, warnings } = await load(
    { provider, env: { CUSTOMERIO_REGION: 'eu', CUSTOMERIO_SITE_ID: hex(10) } },
    Object.values(fromManager),
  )
  assert.equal(credentials.siteId.reveal(), fromManager.CUSTOMERIO_SITE_ID)
  assert.equal(credentials.trackApiKey.reveal(), fromManager.CUSTOMERIO_TRACK_API_KEY)
  assert.equal(credentials.region, 'eu')
  assert.ok(asked.includes('CUSTOMERIO_WEBHOOK_SECRET') && asked.includes('CUSTOMERIO_APP_API_KEY'))
  assert.deepEqual(
    warnings.map((w) => w.variable),
    ['CUSTOMERIO_TRACK_API_KEY'],
  )
})

test('a provider that throws or answers a non-string is an error naming the variable', async () => {
  const failing = async (name) => {
    if (name === 'CUSTOMERIO_TRACK_API_KEY') throw new Error('permission denied')
    return undefined
  }
  const error = await rejectsNaming(
    loadCredentials({ provider: failing, env: validEnv() }),
    'ERR_CREDENTIAL_PROVIDER',
    'CUSTOMERIO_TRACK_API_KEY',
    [],
  )
  assert.equal(error.cause.message, 'permission denied')
  await rejectsNaming(
    loadCredentials({ provider: async () => 42, env: {} }),
    'ERR_INVALID_CREDENTIAL',
    'CUSTOMERIO_SITE_ID',
    [],
  )
})

test('bad options are coded TypeErrors', async () => {
  await assert.rejects(loadCredentials(null), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(loadCredentials({ env: 'x' }), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(loadCredentials({ provider: 'gcp' }), { code: 'ERR_INVALID_ARGUMENT' })
  await assert.rejects(loadCredentials({ onWarning: true }), { code: 'ERR_INVALID_ARGUMENT' })
})
