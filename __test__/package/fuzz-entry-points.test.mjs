// Property-based fuzz of the public entry points with values of every JS type (see
// helpers/hostile-values.mjs): each call returns a well-formed result or throws an Error with a
// string `code` starting with 'ERR_'. Never a crash, a hang, an uncoded TypeError, or a napi
// status code ('InvalidArg') leaking through. Where an entry point reads an options object, the
// failure to read the caller's own object may pass through unchanged: what its getter or Proxy
// trap threw (CallerError), or the engine's TypeError for a revoked Proxy. Attribute values are
// data, so there even those must become ERR_READ_FAILED.
// Runs are bounded (numRuns) under a fixed seed, so a failure reproduces.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import fc from 'fast-check'

import {
  WEBHOOK_FAILURES,
  WebhookVerifier,
  createSanitizer,
  openAuditLog,
  sanitizeAttributes,
  signWebhook,
  verifyAuditLog,
  verifyWebhook,
} from '../../index.js'
import {
  CallerError,
  binary,
  deep,
  exotic,
  hostile,
  materialize,
  optionsOf,
  plain,
  strings,
} from '../helpers/hostile-values.mjs'

const SEED = 20260617
const RUNS = 300
const NOW = 1_700_000_000

const REVOKED = /on a proxy that has been revoked$/

/** Calls `fn`: `{ value }` with its result, or `{ error }` once the error is checked. */
function call(fn, { callerErrors }) {
  try {
    return { value: fn() }
  } catch (error) {
    if (callerErrors && (error instanceof CallerError || (error instanceof TypeError && REVOKED.test(error.message)))) {
      return { error }
    }
    assert.ok(error instanceof Error, `threw a non-Error: ${typeof error}`)
    assert.equal(typeof error.code, 'string', `uncoded ${error.name}: ${error.message}`)
    assert.match(error.code, /^ERR_/, `code ${error.code}: ${error.message}`)
    return { error }
  }
}

function assertVerdict(verdict) {
  if (verdict.valid === true) {
    assert.ok(Number.isInteger(verdict.secretIndex) && verdict.secretIndex >= 0)
    assert.ok(verdict.timestamp === null || Number.isSafeInteger(verdict.timestamp))
  } else {
    assert.equal(verdict.valid, false)
    assert.ok(WEBHOOK_FAILURES.includes(verdict.reason), `reason ${verdict.reason}`)
  }
}

const secrets = fc.oneof(
  fc.string({ minLength: 1, maxLength: 20 }),
  fc.uint8Array({ minLength: 1, maxLength: 20 }).map((u) => Buffer.from(u)),
  fc.array(fc.oneof(fc.string({ minLength: 1, maxLength: 8 }), hostile), { maxLength: 3 }),
  hostile,
)
const headers = fc.oneof(strings, fc.array(fc.oneof(strings, hostile), { maxLength: 3 }), hostile)
const deliveries = optionsOf({
  body: fc.oneof(strings, binary, hostile),
  signature: headers,
  timestamp: fc.oneof(headers, fc.integer(), fc.double()),
  secret: secrets,
  toleranceSeconds: fc.oneof(fc.double(), hostile),
  now: fc.oneof(fc.constant(NOW), fc.double(), hostile),
  scheme: fc.oneof(fc.constantFrom('v0', 'body'), hostile),
})

test('verifyWebhook: any input gives a verdict or a coded error', () => {
  fc.assert(
    fc.property(fc.oneof(deliveries, hostile), (generated) => {
      const input = materialize(generated)
      const { value } = call(() => verifyWebhook(input), { callerErrors: true })
      if (value !== undefined) assertVerdict(value)
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

test('WebhookVerifier: any options, then any delivery, give a verdict or a coded error', () => {
  const verifierOptions = optionsOf({
    secret: fc.oneof(secrets, fc.func(secrets)),
    toleranceSeconds: fc.oneof(fc.double(), hostile),
    scheme: fc.oneof(fc.constantFrom('v0', 'body'), hostile),
  })
  fc.assert(
    fc.property(fc.oneof(verifierOptions, hostile), fc.oneof(deliveries, hostile), (...generated) => {
      const [options, input] = generated.map((v) => materialize(v))
      const { value: verifier } = call(() => new WebhookVerifier(options), { callerErrors: true })
      if (verifier === undefined) return
      const { value } = call(() => verifier.verify(input), { callerErrors: true })
      if (value !== undefined) assertVerdict(value)
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

test('signWebhook: any input gives headers or a coded error, and what it signs verifies', () => {
  const bodies = fc.oneof(strings, binary, hostile)
  const options = fc.oneof(
    optionsOf({
      timestamp: fc.oneof(fc.constant(NOW), fc.integer(), hostile),
      scheme: fc.oneof(fc.constantFrom('v0', 'body'), hostile),
    }),
    hostile,
  )
  fc.assert(
    fc.property(bodies, secrets, options, (...generated) => {
      const [body, secret, signOptions] = generated.map((v) => materialize(v))
      const { value } = call(() => signWebhook(body, secret, signOptions), { callerErrors: true })
      if (value === undefined) return
      assert.match(value['x-cio-signature'], /^[0-9a-f]{64}$/)
      assert.match(value['x-cio-timestamp'], /^[0-9]+$/)
      // Round trip, with the same scheme and the signed time as now.
      const scheme = signOptions === undefined ? undefined : signOptions.scheme
      const verdict = verifyWebhook({
        body,
        secret,
        scheme,
        signature: value['x-cio-signature'],
        timestamp: value['x-cio-timestamp'],
        now: Math.min(Number(value['x-cio-timestamp']), 1e11),
        toleranceSeconds: Infinity,
      })
      assert.equal(verdict.valid, true)
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

const jsonTexts = fc.oneof(
  fc.json({ maxDepth: 4 }),
  fc.json({ maxDepth: 4 }).chain((text) => fc.nat(text.length).map((cut) => text.slice(0, cut))),
  fc.jsonValue({ maxDepth: 3 }).map((value) => Buffer.from(JSON.stringify({ ssn: '123-45-6789', value }))),
  fc
    .tuple(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom(['[', ']'], ['{"a":', '}']))
    .map(([levels, [open, close]]) => open.repeat(levels) + close.repeat(levels)),
  strings,
  binary,
  hostile,
)

/** sanitizeJson's contract: text in, text out (Buffer in, Buffer out), and it parses. */
function assertJsonOut(input, output) {
  if (typeof input === 'string') {
    assert.equal(typeof output, 'string')
    JSON.parse(output)
  } else {
    assert.ok(Buffer.isBuffer(output))
    JSON.parse(output.toString('utf8'))
  }
}

test("sanitizeAttributes: any value gives JSON-safe attributes or a coded error (never the caller's)", () => {
  fc.assert(
    fc.property(
      fc.oneof(hostile, fc.dictionary(fc.string({ maxLength: 12 }), hostile, { maxKeys: 6 })),
      (generated) => {
        const input = materialize(generated)
        const { value } = call(() => sanitizeAttributes(input), { callerErrors: false })
        if (value !== undefined) {
          assert.equal(typeof value, 'object')
          JSON.stringify(value)
        }
      },
    ),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

const actions = fc.oneof(
  fc.constantFrom(
    'drop',
    'keep',
    'hash',
    'hmac',
    'mask',
    'e164',
    'email-match',
    'phone-match-google',
    'phone-match-meta',
    'nope',
  ),
  fc.record(
    {
      action: fc.oneof(fc.constantFrom('hash', 'mask', 'hmac'), hostile),
      length: fc.oneof(fc.integer(), hostile),
      keepLast: fc.oneof(fc.integer(), hostile),
    },
    { requiredKeys: [] },
  ),
  hostile,
)
const names = fc.oneof(
  fc.constantFrom('ssn', 'phone', 'email', 'id', 'creditCard', '__proto__'),
  fc.string({ maxLength: 10 }),
)
const policies = optionsOf({
  preset: fc.oneof(fc.constantFrom('default', 'customerio'), hostile),
  fields: fc.oneof(fc.dictionary(names, actions, { maxKeys: 4 }), hostile),
  remove: fc.oneof(fc.array(names, { maxLength: 3 }), hostile),
  allow: fc.oneof(fc.array(names, { maxLength: 3 }), hostile),
  pseudonym: fc.oneof(
    fc.constantFrom('sha256', 'hmac'),
    fc.record({ algorithm: fc.constantFrom('sha256', 'hmac'), length: fc.integer() }),
    hostile,
  ),
  sms: fc.oneof(fc.boolean(), hostile),
  detectors: fc.oneof(
    fc.boolean(),
    fc.dictionary(
      fc.constantFrom('cardNumber', 'usSsn', 'iban', 'other'),
      fc.oneof(fc.constantFrom('redact', 'drop', 'off'), hostile),
    ),
    hostile,
  ),
  limits: fc.oneof(fc.constantFrom('report', 'error', 'off'), hostile),
  maxDepth: fc.oneof(fc.integer({ min: -1, max: 600 }), hostile),
  defaultCountryCode: fc.oneof(fc.constantFrom('1', '44', '999', ''), hostile),
  pepper: fc.oneof(
    optionsOf({
      key: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), hostile),
      keyId: fc.oneof(fc.constantFrom('k1', '2026-11'), hostile),
    }),
    hostile,
  ),
})

test('createSanitizer: any policy gives a sanitizer or a coded error; its methods honour their contracts', () => {
  fc.assert(
    fc.property(fc.oneof(policies, hostile), hostile, jsonTexts, (...generated) => {
      const [policy, attributes, text] = generated.map((v) => materialize(v))
      const { value: sanitizer } = call(() => createSanitizer(policy), { callerErrors: true })
      if (sanitizer === undefined) return
      const sanitized = call(() => sanitizer.sanitize(attributes), { callerErrors: false }).value
      if (sanitized !== undefined) JSON.stringify(sanitized)
      const withReport = call(() => sanitizer.sanitizeWithReport(attributes), { callerErrors: false }).value
      if (withReport !== undefined) assert.ok(Array.isArray(withReport.report.changes))
      const json = call(() => sanitizer.sanitizeJson(text), { callerErrors: false }).value
      if (json !== undefined) assertJsonOut(text, json)
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

test('sanitizeJson (default policy): any text or value gives parseable JSON of the same kind or a coded error', () => {
  const sanitizer = createSanitizer()
  fc.assert(
    fc.property(jsonTexts, (generated) => {
      const text = materialize(generated)
      const { value } = call(() => sanitizer.sanitizeJson(text), { callerErrors: false })
      if (value !== undefined) assertJsonOut(text, value)
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

// --- The audit log on random file content ---------------------------------------------------

const KEY = 'fuzz-audit-key'

/** A real log of three records, to mutate. */
async function sealedLog(dir) {
  const file = path.join(dir, 'sealed.jsonl')
  const log = openAuditLog(file, { key: KEY })
  for (let i = 0; i < 3; i++) {
    await log.append({
      requestId: `r${i}`,
      subject: `user-${i}`,
      receivedAt: new Date(),
      outcome: 'done',
      actions: [{ action: 'suppress', status: 200, attempts: 1 }],
    })
  }
  await log.close()
  return readFileSync(file)
}

const mutations = (sealed) =>
  fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((u) => Buffer.from(u)),
    fc.tuple(fc.nat(sealed.length - 1), fc.integer({ min: 1, max: 255 })).map(([at, delta]) => {
      const copy = Buffer.from(sealed)
      copy[at] = (copy[at] + delta) & 0xff
      return copy
    }),
    fc.nat(sealed.length).map((cut) => sealed.subarray(0, cut)),
    fc
      .tuple(fc.nat(sealed.length), fc.uint8Array({ maxLength: 40 }))
      .map(([at, junk]) => Buffer.concat([sealed.subarray(0, at), junk, sealed.subarray(at)])),
    fc.string({ unit: 'binary', maxLength: 200 }).map((s) => Buffer.from(s)),
  )

test('verifyAuditLog and openAuditLog: any file content gives a verdict or a coded error, and they agree', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cio-fuzz-audit-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const sealed = await sealedLog(dir)
  const file = path.join(dir, 'log.jsonl')
  const keys = fc.oneof(fc.constant(KEY), fc.constant(KEY), hostile)
  const heads = fc.oneof(
    fc.constant(undefined),
    fc.constant(undefined),
    fc.stringMatching(/^[0-9]{1,3}:[0-9a-f]{64}$/),
    fc.record({ seq: fc.integer(), mac: fc.string() }),
    hostile,
  )
  await fc.assert(
    fc.asyncProperty(mutations(sealed), keys, heads, async (...generated) => {
      const [content, key, expectedHead] = generated.map((v) => materialize(v))
      writeFileSync(file, content)
      const { value: verdict } = call(() => verifyAuditLog(file, { key, expectedHead }), { callerErrors: true })
      if (verdict !== undefined) {
        assert.equal(typeof verdict.valid, 'boolean')
        assert.ok(Number.isSafeInteger(verdict.records) && verdict.records >= 0)
        if (!verdict.valid) assert.equal(typeof verdict.reason, 'string')
        if (content.equals(sealed) && key === KEY && expectedHead === undefined) assert.equal(verdict.valid, true)
      }
      const { value: log } = call(() => openAuditLog(file, { key }), { callerErrors: true })
      if (log !== undefined) {
        await log.close()
        // Whatever open accepted (after dropping a cut-off last line) verifies.
        assert.equal(verifyAuditLog(file, { key }).valid, true)
      } else if (verdict !== undefined && verdict.valid && expectedHead === undefined) {
        assert.fail('verifyAuditLog accepted a log that openAuditLog refused')
      }
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

test('openAuditLog and verifyAuditLog: any path and options give a log, a verdict or a coded error', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cio-fuzz-audit-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const file = path.join(dir, 'log.jsonl')
  // No random strings as paths: they would create files wherever the test runs.
  const paths = fc.oneof(
    fc.constant(file),
    fc.oneof(plain, binary, exotic, deep).filter((v) => typeof v !== 'string'),
  )
  const options = fc.oneof(
    optionsOf({
      key: fc.oneof(fc.constant(KEY), hostile),
      keyId: fc.oneof(fc.constantFrom('k1', 'bad id'), hostile),
      expectedHead: hostile,
    }),
    hostile,
  )
  await fc.assert(
    fc.asyncProperty(paths, options, async (...generated) => {
      const [where, opts] = generated.map((v) => materialize(v))
      const { value: log } = call(() => openAuditLog(where, opts), { callerErrors: true })
      if (log !== undefined) await log.close()
      call(() => verifyAuditLog(where, opts), { callerErrors: true })
    }),
    { seed: SEED, numRuns: RUNS, includeErrorInReport: true },
  )
})

// --- Bugs the fuzz found, fixed since: each stays as a test ----------------------------------

function assertCode(fn, code) {
  assert.throws(fn, (error) => error instanceof Error && error.code === code)
}

test('sanitizeJson refuses a Proxy as its text with ERR_INVALID_JSON_INPUT', () => {
  const sanitizer = createSanitizer()
  assertCode(() => sanitizer.sanitizeJson(new Proxy(Buffer.from('{}'), {})), 'ERR_INVALID_JSON_INPUT')
  const throwing = new Proxy(
    {},
    {
      getPrototypeOf() {
        throw new CallerError('trap')
      },
    },
  )
  assertCode(() => sanitizer.sanitizeJson(throwing), 'ERR_INVALID_JSON_INPUT')
})

test('a Proxy of a Buffer as the audit key is ERR_MISSING_AUDIT_KEY', () => {
  assertCode(() => verifyAuditLog(thisFile(), { key: new Proxy(Buffer.from('k'), {}) }), 'ERR_MISSING_AUDIT_KEY')
})

test('a Proxy of a Buffer as the pepper key is ERR_INVALID_PEPPER', () => {
  assertCode(
    () => createSanitizer({ pseudonym: 'hmac', pepper: { key: new Proxy(Buffer.alloc(32, 1), {}), keyId: 'k1' } }),
    'ERR_INVALID_PEPPER',
  )
})

test('verifyAuditLog takes a path, not a file descriptor', () => {
  assertCode(() => verifyAuditLog(Number.MAX_SAFE_INTEGER, { key: KEY }), 'ERR_INVALID_PATH')
  assertCode(() => verifyAuditLog(Symbol('path'), { key: KEY }), 'ERR_INVALID_PATH')
})

test('a policy rule that is not JSON (a Symbol, a function) is refused, not ignored', () => {
  for (const rule of [Symbol('drop'), () => 'drop']) {
    assertCode(() => createSanitizer({ fields: { api_token: rule } }), 'ERR_INVALID_POLICY')
  }
})

test('an audit record whose actor or reason is "mac" can be appended', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cio-fuzz-audit-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const log = openAuditLog(path.join(dir, 'log.jsonl'), { key: KEY })
  try {
    await log.append({
      requestId: 'r1',
      subject: 'user-1',
      receivedAt: new Date(),
      outcome: 'done',
      actions: [],
      actor: 'mac',
    })
    await log.append({
      requestId: 'r2',
      subject: 'user-2',
      receivedAt: new Date(),
      outcome: 'failed',
      actions: [],
      reason: 'bad "mac',
    })
  } finally {
    await log.close()
  }
})

function thisFile() {
  return new URL(import.meta.url).pathname
}
