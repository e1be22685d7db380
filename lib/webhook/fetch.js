'use strict'

// Web `Request` objects (Next.js route handlers, Hono, anything fetch-shaped on Node): read the
// body with the limit enforced, ask the receiver, and return either the verified event or a
// ready JSON `Response` to return as it is.

const { createReceiver, refuseMethod } = require('./receiver.js')
const { refusal, tooLarge: tooLargeRefusal } = require('./refusals.js')
const { typeError } = require('../errors.js')

// One receiver per options object: building one keys an HMAC per secret, so doing it per
// request would waste that. Options declared at module scope are therefore built once; a WeakMap
// lets a discarded options object go.
const receivers = new WeakMap()

function receiverFor(options, what) {
  if (options !== null && typeof options === 'object') {
    const known = receivers.get(options)
    if (known !== undefined) return known
  }
  const receiver = createReceiver(options, what)
  receivers.set(options, receiver)
  return receiver
}

/**
 * Resolves to `{ ok: true, event, rawBody, webhook, complete }` or `{ ok: false, response }`
 * (a refusal, e.g. 401, or 405 with `Allow: POST` for any method but POST).
 * Rejects only for misuse (bad options, not a Request) or a failing secret provider or onInvalid
 * callback. With `dedupe`, the caller reports its answer with `complete(status)`: a 2xx marks
 * the event done, anything else lets Customer.io's retry through (never called: the claim's
 * lease runs out and the retry goes through). Without `dedupe` it does nothing.
 */
async function verifyWebhookRequest(request, options) {
  const receiver = receiverFor(options, 'verifyWebhookRequest')
  return verifyWith(receiver, request)
}

/**
 * `customerioFetchHandler(options, onEvent)` -> `(request) => Promise<Response>`, for frameworks
 * whose route handler is that function (Next.js `export const POST = ...`, Hono `c.req.raw`).
 * `onEvent` may return a Response; otherwise the answer is 200 `{"ok":true}`. Errors it throws
 * propagate to the framework, which logs them and answers 500.
 */
function customerioFetchHandler(options, onEvent) {
  if (typeof onEvent !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'customerioFetchHandler needs an onEvent function')
  }
  const receiver = receiverFor(options, 'customerioFetchHandler')
  return async function customerioWebhookRoute(request) {
    const result = await verifyWith(receiver, request)
    if (!result.ok) return result.response
    let response
    try {
      const answer = await onEvent(result.event, { rawBody: result.rawBody, webhook: result.webhook, request })
      response = answer instanceof Response ? answer : json(200, { ok: true })
    } catch (error) {
      // The framework will answer 500: with `dedupe`, Customer.io's retry must get through.
      result.complete(500)
      throw error
    }
    result.complete(response.status)
    return response
  }
}

async function verifyWith(receiver, request) {
  // Duck-typed: frameworks hand out their own Request subclasses (Next.js) or look-alikes (Hono).
  if (request === null || typeof request !== 'object' || typeof request.headers?.get !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'expected a Web Request (with Headers)')
  }
  // Before the body: anything but POST (a GET health check, HEAD, a preflight) is answered 405
  // with `Allow: POST`, its body never read, no callback called.
  const methodRefusal = refuseMethod(request.method)
  if (methodRefusal !== null) {
    const { status, payload, headers } = methodRefusal
    return { ok: false, response: json(status, payload, headers, request.method === 'HEAD') }
  }
  const read = await readBody(request, receiver.limit)
  if (read.refusal !== undefined) return { ok: false, response: json(read.refusal.status, read.refusal.payload) }
  const decision = await receiver.decide(read.body, headersOf(request.headers), request)
  if (!decision.accepted) return { ok: false, response: json(decision.status, decision.payload) }
  const complete = typeof decision.complete === 'function' ? decision.complete : noAnswerNeeded
  return { ok: true, event: decision.event, rawBody: decision.rawBody, webhook: decision.webhook, complete }
}

/**
 * The body as a Buffer, read chunk by chunk so that no more than `limit` bytes (plus one chunk)
 * are ever held. Returns `{ body }` or `{ refusal: { status, payload } }`.
 */
async function readBody(request, limit) {
  const declared = request.headers.get('content-length')
  if (declared !== null && Number(declared) > limit) return tooLarge(limit)
  if (request.bodyUsed) {
    return refused(
      'BODY_NOT_RAW',
      'customerio-security: the request body was already read, and the signature covers the raw ' +
        'bytes. Verify the request before calling request.json(), text() or formData().',
    )
  }
  if (request.body === null) return { body: Buffer.alloc(0) }
  const reader = request.body.getReader()
  const chunks = []
  let length = 0
  try {
    // Ends when the stream does, or at the first chunk past the limit: bounded by `limit`.
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      length += value.byteLength
      if (length > limit) {
        // Tells the source the rest is not wanted (Node's Readable.toWeb then destroys the
        // request stream); the 413 is still written, as tests over Node adapters show.
        await reader.cancel().catch(ignore)
        return tooLarge(limit)
      }
      chunks.push(value)
    }
  } catch {
    return refused('REQUEST_ABORTED', 'customerio-security: the request body could not be read')
  } finally {
    reader.releaseLock()
  }
  return { body: Buffer.concat(chunks, length) }
}

function ignore() {}

function noAnswerNeeded() {
  return Promise.resolve()
}

function tooLarge(limit) {
  return { refusal: tooLargeRefusal(limit) }
}

function refused(code, message) {
  return { refusal: refusal(code, message) }
}

// Headers joins a repeated header into "a, b" and no API gives the copies back. A valid
// signature (hex) or timestamp (digits) holds no comma, so splitting restores the copies, and
// the verifier then treats them as Node's headersDistinct would: equal copies are that value,
// different ones are malformed.
function headersOf(headers) {
  return {
    'x-cio-signature': distinct(headers.get('x-cio-signature')),
    'x-cio-timestamp': distinct(headers.get('x-cio-timestamp')),
    'x-signature': distinct(headers.get('x-signature')),
  }
}

function distinct(value) {
  if (value === null) return undefined
  return value.includes(',') ? value.split(',').map((part) => part.trim()) : value
}

// `headOnly`: the answer to a HEAD request carries no body (servers drop one anyway).
function json(status, payload, headers, headOnly = false) {
  return new Response(headOnly ? null : JSON.stringify(payload), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
  })
}

module.exports = { customerioFetchHandler, verifyWebhookRequest }
