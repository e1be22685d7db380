'use strict'

// loadCredentials: reads the Customer.io credentials from the environment or from an async
// provider (a secret manager), checks their shapes, and returns them as SecretValues.
// Errors and warnings name the variable and the problem, never the value.

const { CustomerioSecurityError, PREFIX, typeError } = require('../errors.js')
const { SecretValue } = require('./secret-value.js')
const { checkShape, lookalike } = require('./shapes.js')
const { parseAppApiUrl, parseRegion, parseTrackUrl } = require('./endpoints.js')
const { warner } = require('./warnings.js')

/** The secret fields: their variable and shape ('list': comma-separated, several while rotating). */
const SECRETS = Object.freeze({
  siteId: { variable: 'CUSTOMERIO_SITE_ID', shape: 'track' },
  trackApiKey: { variable: 'CUSTOMERIO_TRACK_API_KEY', shape: 'track' },
  appApiKey: { variable: 'CUSTOMERIO_APP_API_KEY', shape: 'app' },
  webhookSecrets: { variable: 'CUSTOMERIO_WEBHOOK_SECRET', shape: 'list' },
})
const REGION_VARIABLE = 'CUSTOMERIO_REGION'
const URL_VARIABLE = 'CUSTOMERIO_TRACK_URL'
const APP_URL_VARIABLE = 'CUSTOMERIO_APP_API_URL'
const DEFAULT_REQUIRE = Object.freeze(['siteId', 'trackApiKey'])

async function loadCredentials(options = {}) {
  const config = parseOptions(options)
  const warn = warner(config.onWarning)
  const names = [...Object.values(SECRETS).map((s) => s.variable), REGION_VARIABLE, URL_VARIABLE, APP_URL_VARIABLE]
  const raw = await Promise.all(names.map((name) => readVariable(config, name)))
  const values = new Map(names.map((name, i) => [name, trimmed(raw[i], name, warn)]))

  const missing = config.require.filter((field) => values.get(SECRETS[field].variable) === undefined)
  if (missing.length > 0) throw missingError(missing.map((field) => SECRETS[field].variable))

  // Every malformed variable is named at once: fixing them one run at a time is a slow loop.
  const problems = []
  const checked = (read) => {
    try {
      return read()
    } catch (error) {
      if (error?.code !== 'ERR_INVALID_CREDENTIAL') throw error
      problems.push(error)
      return undefined
    }
  }
  const region = checked(() => parseRegion(values.get(REGION_VARIABLE))) ?? 'us'
  const credentials = {
    siteId: checked(() => single(values, SECRETS.siteId, config)),
    trackApiKey: checked(() => single(values, SECRETS.trackApiKey, config)),
    appApiKey: checked(() => single(values, SECRETS.appApiKey, config)),
    webhookSecrets: Object.freeze(webhookSecrets(values.get(SECRETS.webhookSecrets.variable), warn)),
    region,
    trackUrl: checked(() =>
      parseTrackUrl(values.get(URL_VARIABLE), region, URL_VARIABLE, config.allowInsecureTrackUrl),
    ),
    appApiUrl: checked(() => parseAppApiUrl(values.get(APP_URL_VARIABLE), region, APP_URL_VARIABLE)),
  }
  if (problems.length === 1) throw problems[0]
  if (problems.length > 1) throw allInvalid(problems)
  return Object.freeze(credentials)
}

function parseOptions(options) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'loadCredentials options must be an object')
  }
  const { env = process.env, provider, onWarning, checkShapes = true, allowInsecureTrackUrl = false } = options
  if (env === null || typeof env !== 'object') throw typeError('ERR_INVALID_ARGUMENT', 'env must be an object')
  if (provider !== undefined && typeof provider !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'provider must be an async function (name) => string | undefined')
  }
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'onWarning must be a function')
  }
  if (typeof checkShapes !== 'boolean') throw typeError('ERR_INVALID_ARGUMENT', 'checkShapes must be a boolean')
  if (typeof allowInsecureTrackUrl !== 'boolean')
    throw typeError('ERR_INVALID_ARGUMENT', 'allowInsecureTrackUrl must be a boolean')
  const required = options.require ?? DEFAULT_REQUIRE
  if (!Array.isArray(required) || !required.every((field) => Object.hasOwn(SECRETS, field))) {
    throw typeError('ERR_INVALID_ARGUMENT', `require must be an array of ${Object.keys(SECRETS).join(', ')}`)
  }
  return { env, provider, onWarning, checkShapes, allowInsecureTrackUrl, require: required }
}

/**
 * One variable's raw text: the provider's answer when it has one, else the environment's.
 * A provider that throws is reported with the variable's name (its error as the cause).
 */
async function readVariable(config, name) {
  let value
  if (config.provider !== undefined) {
    try {
      value = await config.provider(name)
    } catch (cause) {
      const error = new CustomerioSecurityError('ERR_CREDENTIAL_PROVIDER', `the provider failed to read ${name}`, {
        cause,
      })
      error.variable = name
      throw error
    }
  }
  if (value === undefined || value === null) value = config.env[name]
  if (value === undefined || value === null) return undefined
  // Secret managers answer bytes (Google's payload.data, AWS's SecretBinary).
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8')
  if (typeof value !== 'string') {
    const error = new CustomerioSecurityError('ERR_INVALID_CREDENTIAL', `${name} must be a string, not ${typeof value}`)
    error.variable = name
    throw error
  }
  return value
}

/** Surrounding whitespace (a trailing newline from a file or `echo`) is removed, with a warning. */
function trimmed(value, name, warn) {
  if (value === undefined) return undefined
  const text = value.trim()
  if (text !== value && text !== '') {
    warn(
      'CUSTOMERIO_CREDENTIAL_WHITESPACE',
      name,
      `${name} had surrounding whitespace or a trailing newline; it was trimmed`,
    )
  }
  // Set but empty counts as not set (an empty line in a .env file).
  return text === '' ? undefined : text
}

function single(values, { variable, shape }, config) {
  const value = values.get(variable)
  if (value === undefined) return undefined
  if (config.checkShapes) checkShape(variable, value, shape)
  return new SecretValue(value)
}

function webhookSecrets(value, warn) {
  if (value === undefined) return []
  const { variable } = SECRETS.webhookSecrets
  const parts = value.split(',').map((part) => part.trim())
  if (parts.includes(''))
    warn('CUSTOMERIO_EMPTY_WEBHOOK_SECRET', variable, `${variable} has an empty entry (a stray comma?); it was ignored`)
  const secrets = parts.filter((part) => part !== '')
  secrets.forEach((secret, index) => {
    const like = lookalike(secret)
    if (like !== null) {
      // A common mistake: the signing key is on the reporting webhook's page, not an API key.
      warn(
        'CUSTOMERIO_WEBHOOK_SECRET_LOOKS_LIKE_API_KEY',
        variable,
        `${variable} entry #${index} looks like ${like}; the webhook signing key is shown on the reporting webhook's settings page`,
      )
    }
  })
  return secrets.map((secret) => new SecretValue(secret))
}

/** One ERR_INVALID_CREDENTIAL naming every malformed variable and its problem (never a value). */
function allInvalid(problems) {
  const text = problems.map((error) => error.message.slice(PREFIX.length)).join('; ')
  const error = new CustomerioSecurityError('ERR_INVALID_CREDENTIAL', text)
  error.variable = problems[0].variable
  error.variables = problems.map((problem) => problem.variable)
  return error
}

function missingError(variables) {
  const error = new CustomerioSecurityError(
    'ERR_MISSING_CREDENTIAL',
    `${variables.join(', ')} ${variables.length === 1 ? 'is' : 'are'} not set`,
  )
  error.variable = variables[0]
  error.variables = variables
  return error
}

module.exports = { DEFAULT_REQUIRE, SECRETS, loadCredentials }
