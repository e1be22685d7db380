'use strict'

// Reads a --policy file: a JSON SanitizerPolicy, except that the pepper key comes from an
// environment variable (`"pepper": { "keyEnv": "NAME", "keyId": "k1" }`), so the secret stays
// out of files that end up in repositories. No message here ever includes the file's text or the key.

const fs = require('node:fs')
const { describeIoError } = require('../errors.js')
const { UsageError } = require('./usage.js')

function loadPolicy(file, env) {
  let text
  try {
    text = fs.readFileSync(file, 'utf8')
  } catch (error) {
    throw new UsageError(`cannot read the policy file ${file}: ${describeIoError(error)}`)
  }
  let policy
  try {
    policy = JSON.parse(text)
  } catch {
    // JSON.parse's own message quotes the text around the error, which could be a secret.
    throw new UsageError(`the policy file ${file} is not valid JSON`)
  }
  if (policy === null || typeof policy !== 'object' || Array.isArray(policy)) {
    throw new UsageError(`the policy file ${file} must hold a JSON object (a SanitizerPolicy)`)
  }
  if (policy.pepper !== undefined) policy.pepper = pepperFromEnv(policy.pepper, file, env)
  return policy
}

function pepperFromEnv(pepper, file, env) {
  if (pepper === null || typeof pepper !== 'object' || Array.isArray(pepper)) {
    throw new UsageError(`${file}: pepper must be { "keyEnv": "NAME", "keyId": "k1" }`)
  }
  if (Object.hasOwn(pepper, 'key')) {
    throw new UsageError(
      `${file}: pepper.key is not read from a policy file; put the key in an environment variable and name it with pepper.keyEnv`,
    )
  }
  const { keyEnv, keyId, ...rest } = pepper
  const unknown = Object.keys(rest)
  if (unknown.length > 0) throw new UsageError(`${file}: unknown pepper option '${unknown[0]}'`)
  if (typeof keyEnv !== 'string' || keyEnv === '') {
    throw new UsageError(`${file}: pepper.keyEnv must name the environment variable that holds the key`)
  }
  const key = env[keyEnv]
  if (key === undefined || key === '') {
    throw new UsageError(`the environment variable ${keyEnv} (pepper.keyEnv in ${file}) is not set or empty`)
  }
  return { key, keyId }
}

module.exports = { loadPolicy }
