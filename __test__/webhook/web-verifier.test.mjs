// customerio-security/web (WebCrypto, no addon) against the native verifier: the same verdict
// and reason on random and junk inputs for every scheme, the RFC vectors, the same answers from
// verifyWebhookRequest/customerioFetchHandler, and a run inside Deno (a runtime of its own).

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import fc from 'fast-check'

import * as native from '../../index.js'
import * as web from 'customerio-security/web'

const SEED = 20261203
const NOW = 1_700_000_000
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

test("the failure reasons are the core's, in its order", () => {
  assert.deepEqual([...web.WEBHOOK_FAILURES], [...native.WEBHOOK_FAILURES])
})

test('RFC vectors: RFC 4231 case 2 (body scheme), RFC 2202 case 2 (pipelines)', async () => {
  const body = 'what do ya want for nothing?'
  const sha256 = '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'
  const sha1 = 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'
  assert.deepEqual(await web.verifyWebhook({ scheme: 'body', secret: 'Jefe', body, signature: sha256 }), {
    valid: true,
    secretIndex: 0,
    timestamp: null,
  })
  assert.deepEqual(await web.verifyWebhook({ scheme: 'pipelines', secret: 'Jefe', body, signature: sha1 }), {
    valid: true,
    secretIndex: 0,
    timestamp: null,
  })
  assert.deepEqual(await web.signWebhook(body, 'Jefe', { scheme: 'pipelines' }), { 'x-signature': sha1 })
})

test('signWebhook gives the headers the native signer gives', async () => {
  fc.assert(
    await fc.asyncProperty(
      fc.uint8Array({ maxLength: 2048 }),
      fc.stringMatching(/^[!-~]{1,40}$/),
      fc.constantFrom('v0', 'body', 'pipelines'),
      fc.nat(2 ** 40),
      async (bytes, secret, scheme, timestamp) => {
        const body = Uint8Array.from(bytes)
        assert.deepEqual(
          await web.signWebhook(body, secret, { scheme, timestamp }),
          native.signWebhook(Buffer.from(body), secret, { scheme, timestamp }),
        )
      },
    ),
    { seed: SEED, numRuns: 200 },
  )
})

// Inputs that exercise every branch: good signatures, near misses, junk, repeated headers,
// timestamps around the window, several secrets.
const secretArb = fc.oneof(fc.stringMatching(/^[!-~]{1,24}$/), fc.constantFrom('s', 'rotating-secret'))
const deliveryArb = fc.record({
  scheme: fc.constantFrom('v0', 'body', 'pipelines'),
  body: fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from(b)),
  ),
  secrets: fc.array(secretArb, { minLength: 1, maxLength: 3 }),
  signWith: fc.oneof(fc.constant(null), secretArb, fc.nat(2)),
  offset: fc.integer({ min: -700, max: 700 }),
  tolerance: fc.constantFrom(undefined, 0, 300, Infinity),
  signatureShape: fc.constantFrom(
    'good',
    'upper',
    'missing',
    'empty',
    'short',
    'prefixed',
    'junk',
    'twice',
    'twiceDifferent',
    'random',
  ),
  timestampShape: fc.constantFrom('good', 'missing', 'number', 'junk', 'long', 'signedOther'),
  random: fc.string({ maxLength: 70 }),
})

function signature(scheme, secret, timestamp, body) {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body)
  if (scheme === 'pipelines') return createHmac('sha1', secret).update(bytes).digest('hex')
  const mac = createHmac('sha256', secret)
  if (scheme === 'v0') mac.update(`v0:${timestamp}:`)
  return mac.update(bytes).digest('hex')
}

function inputOf(d) {
  const timestamp = String(NOW + d.offset)
  const signer =
    typeof d.signWith === 'number' ? d.secrets[d.signWith % d.secrets.length] : (d.signWith ?? d.secrets[0])
  const good = signature(d.scheme, signer, d.timestampShape === 'signedOther' ? String(NOW + 1) : timestamp, d.body)
  const signatures = {
    good,
    upper: good.toUpperCase(),
    missing: undefined,
    empty: '',
    short: good.slice(1),
    prefixed: `sha256=${good}`,
    junk: `${good.slice(0, -1)}g`,
    twice: [good, good],
    twiceDifferent: [good, `${good.slice(0, -1)}0`],
    random: d.random,
  }
  const timestamps = {
    good: timestamp,
    signedOther: timestamp,
    missing: undefined,
    number: NOW + d.offset,
    junk: `${timestamp}x`,
    long: '1'.repeat(13),
  }
  return {
    scheme: d.scheme,
    body: d.body,
    secret: d.secrets.length === 1 ? d.secrets[0] : d.secrets,
    signature: signatures[d.signatureShape],
    timestamp: timestamps[d.timestampShape],
    toleranceSeconds: d.tolerance,
    now: NOW,
  }
}

test('verifyWebhook: the same verdict and reason as the native verifier on random deliveries', async () => {
  const seen = new Set()
  await fc.assert(
    fc.asyncProperty(deliveryArb, async (d) => {
      const input = inputOf(d)
      const nativeInput = { ...input, body: typeof input.body === 'string' ? input.body : Buffer.from(input.body) }
      const expected = native.verifyWebhook(nativeInput)
      const actual = await web.verifyWebhook(input)
      assert.deepEqual(actual, expected)
      seen.add(expected.valid ? 'valid' : expected.reason)
    }),
    { seed: SEED + 1, numRuns: 1500 },
  )
  // The property met every outcome (it would hold vacuously otherwise).
  assert.deepEqual([...seen].sort(), ['valid', ...native.WEBHOOK_FAILURES].sort())
})

test('misuse throws the same codes as the native entry point', async () => {
  const cases = [
    { secret: undefined, body: '', signature: 'x' },
    { secret: '', body: '', signature: 'x' },
    { secret: ' s', body: '', signature: 'x' },
    { secret: 42, body: '', signature: 'x' },
    { secret: 's', body: { parsed: true }, signature: 'x' },
    { secret: 's', body: 42, signature: 'x' },
    { secret: 's', body: '', signature: 'x', scheme: 'sha1' },
    { secret: 's', body: '', signature: 'x', toleranceSeconds: -1 },
    { secret: 's', body: '', signature: 'x', now: Date.now() },
  ]
  for (const input of cases) {
    let nativeCode
    try {
      native.verifyWebhook(input)
    } catch (error) {
      nativeCode = error.code
    }
    assert.ok(nativeCode, JSON.stringify(input))
    await assert.rejects(
      web.verifyWebhook(input),
      { code: nativeCode, name: 'CustomerioSecurityTypeError' },
      JSON.stringify(input),
    )
  }
})

/** Both entry points' answers to the same request: status, body and Allow header. */
async function answers(makeRequest, options) {
  const out = []
  for (const entry of [native, web]) {
    const result = await entry.verifyWebhookRequest(makeRequest(), options)
    if (result.ok)
      out.push({ ok: true, event: result.event, webhook: result.webhook, body: Buffer.from(result.rawBody).toString() })
    else
      out.push({
        ok: false,
        status: result.response.status,
        allow: result.response.headers.get('allow'),
        text: await result.response.text(),
      })
  }
  return out
}

test('verifyWebhookRequest answers as the native one: valid, forged, 405, 413, junk JSON, pipelines batches', async () => {
  const secret = 'web-secret'
  const now = Math.floor(Date.now() / 1000)
  const event = JSON.stringify({ event_id: 'e1', object_type: 'email', metric: 'sent', timestamp: now, data: {} })
  const signed = native.signWebhook(event, secret, { timestamp: now })
  const post = (body, headers) => () => new Request('https://edge.example/hook', { method: 'POST', headers, body })
  const batch = JSON.stringify({ batch: [{ type: 'track', messageId: 'm1' }] })
  const cases = [
    [post(event, signed), { secret }],
    [post(event, { ...signed, 'x-cio-signature': signed['x-cio-signature'].replace(/^./, '0') }), { secret }],
    [post(event, {}), { secret }],
    [() => new Request('https://edge.example/hook', { method: 'GET' }), { secret }],
    [() => new Request('https://edge.example/hook', { method: 'HEAD' }), { secret }],
    [post('x'.repeat(100), native.signWebhook('x'.repeat(100), secret, { timestamp: now })), { secret, limit: 10 }],
    [post('not json', native.signWebhook('not json', secret, { timestamp: now })), { secret }],
    [post('[1]', native.signWebhook('[1]', secret, { timestamp: now })), { secret }],
    [post(batch, native.signWebhook(batch, secret, { scheme: 'pipelines' })), { secret, scheme: 'pipelines' }],
    [post(batch, { 'x-signature': 'f'.repeat(40) }), { secret, scheme: 'pipelines' }],
    [
      post(event, {
        'x-cio-signature': `${signed['x-cio-signature']}, ${signed['x-cio-signature']}`,
        'x-cio-timestamp': signed['x-cio-timestamp'],
      }),
      { secret },
    ],
  ]
  for (const [makeRequest, options] of cases) {
    const [expected, actual] = await answers(makeRequest, options)
    assert.deepEqual(actual, expected)
  }
  const handler = web.customerioFetchHandler({ secret }, async (received) => {
    assert.equal(received.event_id, 'e1')
  })
  assert.equal((await handler(post(event, signed)())).status, 200)
  const failing = web.customerioFetchHandler({ secret }, () => {
    throw new Error('boom: secret stuff')
  })
  const refused = await failing(post(event, signed)())
  assert.equal(refused.status, 500)
  assert.deepEqual(await refused.json(), { error: 'INTERNAL_ERROR' })
  await assert.rejects(web.verifyWebhookRequest(post(event, signed)(), { secret, dedupe: true }), {
    code: 'ERR_INVALID_DEDUPE',
  })
})

test('Deno runs it (no addon, no Node built-ins) and gets the same verdicts', () => {
  const deno = `${ROOT}node_modules/.bin/deno`
  if (!existsSync(deno)) return assert.fail('the deno dev dependency is missing: run npm install')
  const script = `
    import { verifyWebhook, signWebhook } from '${ROOT}lib/web/index.mjs'
    const body = '{"event_id":"e1"}'
    const headers = await signWebhook(body, 'deno-secret', { timestamp: 1700000000 })
    const pipelines = await signWebhook(body, 'deno-secret', { scheme: 'pipelines' })
    const results = [
      await verifyWebhook({ body, secret: 'deno-secret', signature: headers['x-cio-signature'], timestamp: headers['x-cio-timestamp'], now: 1700000000 }),
      await verifyWebhook({ body, secret: 'other', signature: headers['x-cio-signature'], timestamp: headers['x-cio-timestamp'], now: 1700000000 }),
      await verifyWebhook({ body, secret: 'deno-secret', signature: pipelines['x-signature'], scheme: 'pipelines' }),
    ]
    console.log(JSON.stringify({ headers, pipelines, results }))
  `
  // No --allow-* flag: the verifier needs no permission at all.
  const run = spawnSync(deno, ['eval', '--quiet', script], { encoding: 'utf8', timeout: 120_000 })
  assert.equal(run.status, 0, run.stderr)
  const out = JSON.parse(run.stdout)
  const body = '{"event_id":"e1"}'
  assert.deepEqual(out.headers, native.signWebhook(body, 'deno-secret', { timestamp: 1700000000 }))
  assert.deepEqual(out.pipelines, native.signWebhook(body, 'deno-secret', { scheme: 'pipelines' }))
  assert.deepEqual(out.results, [
    { valid: true, secretIndex: 0, timestamp: 1700000000 },
    { valid: false, reason: 'SIGNATURE_MISMATCH' },
    { valid: true, secretIndex: 0, timestamp: null },
  ])
})
