// A signing key must never reach a log: not through an error thrown for misuse (message, stack,
// util.inspect), nor through printing or serializing a WebhookVerifier or the middleware.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { format, inspect } from 'node:util'

import { customerioWebhook, signWebhook, verifyWebhook, WebhookVerifier } from '../../index.js'

// Distinctive, so a hit can only be a leak. Never printed: failures name the place, not the text.
const CANARY = 'leak-canary-7f3a9c2e41b8d6'
const CANARY_BYTES = Buffer.from(CANARY)
// The shapes a secret could take once printed: its text, hex, base64, or its bytes as a list
// (util.inspect of a Buffer prints spaced hex, of a Uint8Array decimals over several lines), so
// the text is also searched with all whitespace removed.
const FORMS = [
  CANARY,
  'leak-canary',
  CANARY_BYTES.toString('hex'),
  CANARY_BYTES.toString('base64'),
  CANARY_BYTES.subarray(0, 8).join(','),
]

function assertNoCanary(text, where) {
  const compact = String(text).replace(/\s+/g, '')
  for (const form of FORMS) {
    // Not assert.doesNotMatch: its message would print the text that holds the secret.
    assert.ok(!String(text).includes(form) && !compact.includes(form), `the secret appears in ${where}`)
  }
}

// The detector must see each printed shape of the secret, or a clean result proves nothing.
test('the leak detector finds the secret in every printed shape', () => {
  const printed = [
    CANARY,
    inspect(CANARY_BYTES),
    inspect(new Uint8Array(CANARY_BYTES)),
    inspect({ key: [...CANARY_BYTES] }),
    JSON.stringify(CANARY_BYTES),
    CANARY_BYTES.toString('base64'),
  ]
  for (const text of printed) assert.throws(() => assertNoCanary(text, 'probe'), /the secret appears in probe/)
})

function renderings(value) {
  return {
    'util.inspect': inspect(value),
    'util.inspect(showHidden, depth Infinity)': inspect(value, { showHidden: true, depth: Infinity }),
    'util.inspect(customInspect false)': inspect(value, { customInspect: false, showHidden: true, depth: Infinity }),
    "format('%o')": format('%o', value),
    "format('%O')": format('%O', value),
    "format('%s')": format('%s', value),
    'JSON.stringify': safeJson(value),
    String: safeString(value),
  }
}

function safeJson(value) {
  try {
    return String(JSON.stringify(value))
  } catch (error) {
    return `${error.message}`
  }
}

function safeString(value) {
  try {
    return String(value)
  } catch (error) {
    return `${error.message}`
  }
}

function assertErrorClean(fn, label) {
  let thrown
  try {
    fn()
  } catch (error) {
    thrown = error
  }
  assert.ok(thrown !== undefined, `${label}: expected a throw`)
  assertNoCanary(thrown.message, `${label}: message`)
  assertNoCanary(thrown.stack, `${label}: stack`)
  for (const [how, text] of Object.entries(renderings(thrown))) assertNoCanary(text, `${label}: ${how}`)
  return thrown
}

const BODY = Buffer.from('{"metric":"sent"}')
const TS = '1700000000'
const SIG = 'a'.repeat(64)
const base = { body: BODY, signature: SIG, timestamp: TS, now: 1700000000 }

// Every misuse path, each with the canary present somewhere in the arguments.
function misusePaths(secret) {
  const text = typeof secret === 'string' ? secret : secret.toString('utf8')
  const bytes = Buffer.isBuffer(secret) ? secret : Buffer.from(secret)
  return [
    ['secret with a trailing newline', () => verifyWebhook({ ...base, secret: `${text}\n` })],
    ['secret with a leading space', () => verifyWebhook({ ...base, secret: ` ${text}` })],
    ['trailing newline in a list', () => verifyWebhook({ ...base, secret: ['ok', `${text}\n`] })],
    ['empty secret beside it', () => verifyWebhook({ ...base, secret: [secret, ''] })],
    ['empty Buffer beside it', () => verifyWebhook({ ...base, secret: [secret, Buffer.alloc(0)] })],
    ['number beside it', () => verifyWebhook({ ...base, secret: [secret, 42] })],
    ['undefined beside it', () => verifyWebhook({ ...base, secret: [secret, undefined] })],
    ['parsed body', () => verifyWebhook({ ...base, secret, body: { metric: 'sent' } })],
    ['parsed body holding the secret', () => verifyWebhook({ ...base, secret, body: { secret: text } })],
    ['undefined body', () => verifyWebhook({ ...base, secret, body: undefined })],
    ['number body', () => verifyWebhook({ ...base, secret, body: 42 })],
    ['tolerance -1', () => verifyWebhook({ ...base, secret, toleranceSeconds: -1 })],
    ['tolerance NaN', () => verifyWebhook({ ...base, secret, toleranceSeconds: NaN })],
    ["tolerance '300'", () => verifyWebhook({ ...base, secret, toleranceSeconds: '300' })],
    ['now in ms', () => verifyWebhook({ ...base, secret, now: 1700000000000 })],
    ['now NaN', () => verifyWebhook({ ...base, secret, now: NaN })],
    ['unknown scheme', () => verifyWebhook({ ...base, secret, scheme: 'v1' })],
    ['scheme equal to the secret', () => verifyWebhook({ ...base, secret, scheme: text })],
    ['signWebhook: whitespace secret', () => signWebhook(BODY, `${text}\n`)],
    ['signWebhook: parsed body', () => signWebhook({ metric: 'sent' }, secret)],
    ['signWebhook: bad timestamp', () => signWebhook(BODY, secret, { timestamp: -1 })],
    ['signWebhook: unknown scheme', () => signWebhook(BODY, secret, { scheme: 'v1' })],
    ['WebhookVerifier: whitespace secret', () => new WebhookVerifier({ secret: `${text}\n` })],
    ['WebhookVerifier: bad tolerance', () => new WebhookVerifier({ secret, toleranceSeconds: -1 })],
    ['WebhookVerifier: unknown scheme', () => new WebhookVerifier({ secret, scheme: 'v1' })],
    ['WebhookVerifier: parsed body', () => new WebhookVerifier({ secret }).verify({ ...base, body: {} })],
    ['WebhookVerifier: now in ms', () => new WebhookVerifier({ secret }).verify({ ...base, now: 1e12 })],
    [
      'WebhookVerifier: function returning a whitespace secret',
      () => new WebhookVerifier({ secret: () => `${text}\n` }),
    ],
    [
      'WebhookVerifier: function whose secret turns empty',
      () => {
        let value = secret
        const verifier = new WebhookVerifier({ secret: () => value })
        value = Buffer.isBuffer(secret) ? Buffer.alloc(0) : ''
        verifier.verify(base)
      },
    ],
    ['customerioWebhook: bad limit', () => customerioWebhook({ secret, limit: 'lots' })],
    ['customerioWebhook: bad onInvalid', () => customerioWebhook({ secret, onInvalid: 'log' })],
    ['customerioWebhook: bad tolerance', () => customerioWebhook({ secret, toleranceSeconds: -5 })],
    [
      'Buffer secret with a trailing newline byte',
      () => verifyWebhook({ ...base, secret: [Buffer.concat([bytes, Buffer.from('\n')]), ''] }),
    ],
  ]
}

test('no misuse error shows a string secret (message, stack, util.inspect, JSON)', () => {
  const paths = misusePaths(CANARY)
  for (const [label, fn] of paths) assertErrorClean(fn, label)
  assert.ok(paths.length >= 30)
})

test('no misuse error shows a Buffer secret', () => {
  for (const [label, fn] of misusePaths(Buffer.from(CANARY))) assertErrorClean(fn, `Buffer: ${label}`)
})

test('no misuse error shows a Uint8Array secret', () => {
  for (const [label, fn] of misusePaths(new Uint8Array(CANARY_BYTES))) assertErrorClean(fn, `Uint8Array: ${label}`)
})

test('printing or serializing a WebhookVerifier shows no secret', () => {
  const verifiers = {
    string: new WebhookVerifier({ secret: CANARY }),
    Buffer: new WebhookVerifier({ secret: Buffer.from(CANARY) }),
    Uint8Array: new WebhookVerifier({ secret: new Uint8Array(CANARY_BYTES) }),
    list: new WebhookVerifier({ secret: ['other-key', CANARY, Buffer.from(CANARY)] }),
    'string function': new WebhookVerifier({ secret: () => CANARY }),
    'Buffer function': new WebhookVerifier({ secret: () => Buffer.from(CANARY) }),
    'list function': new WebhookVerifier({ secret: () => [CANARY, Buffer.from(CANARY)] }),
  }
  for (const [kind, verifier] of Object.entries(verifiers)) {
    // After a verify too: a function source caches the secrets it last returned.
    verifier.verify(base)
    for (const [how, text] of Object.entries(renderings(verifier))) assertNoCanary(text, `${kind} verifier: ${how}`)
    assertNoCanary(`${verifier}`, `${kind} verifier: template string`)
    assert.deepEqual(JSON.parse(JSON.stringify(verifier)), { secrets: '[REDACTED]' })
    assert.deepEqual(Object.keys(verifier), [])
  }
})

test('printing the middleware shows no secret', () => {
  for (const secret of [CANARY, Buffer.from(CANARY), () => CANARY]) {
    const middleware = customerioWebhook({ secret })
    for (const [how, text] of Object.entries(renderings(middleware))) assertNoCanary(text, `middleware: ${how}`)
  }
})

test('a verdict holds no secret', () => {
  const verdicts = [
    verifyWebhook({ ...base, secret: CANARY }),
    verifyWebhook({ ...base, secret: Buffer.from(CANARY) }),
    new WebhookVerifier({ secret: [CANARY] }).verify(base),
  ]
  for (const verdict of verdicts) {
    assert.deepEqual(verdict, { valid: false, reason: 'SIGNATURE_MISMATCH' })
    for (const [how, text] of Object.entries(renderings(verdict))) assertNoCanary(text, `verdict: ${how}`)
  }
})
