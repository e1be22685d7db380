'use strict'

// A request listener for Node's plain `http.createServer`: no framework to hand errors to, so it
// reads the body, answers every refusal itself, and calls `onEvent` only for accepted deliveries.

const { BodyError, rawBody } = require('./raw-body.js')
const { createReceiver, refuseMethod, sendJson, sendRefusal } = require('./receiver.js')
const { refusal } = require('./refusals.js')
const { settleWhenAnswered } = require('./settle.js')
const { typeError } = require('../errors.js')

const INTERNAL_ERROR = refusal('INTERNAL_ERROR').payload

/**
 * `customerioNodeHandler(options, onEvent)` -> `(req, res) => Promise<void>`. The promise never
 * rejects: whatever fails ends as an answer (or a destroyed socket if the answer had started).
 */
function customerioNodeHandler(options, onEvent) {
  if (typeof onEvent !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'customerioNodeHandler needs an onEvent function')
  }
  // Checked before the receiver reads them, so a bad option fails at startup like a bad secret.
  const onError = options !== null && typeof options === 'object' ? options.onError : undefined
  if (onError !== undefined && typeof onError !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'onError must be a function')
  }
  const receiver = createReceiver(options, 'customerioNodeHandler')

  return async function customerioRequestListener(req, res) {
    try {
      await handle(req, res)
    } catch (error) {
      fail(error, req, res)
    }
  }

  async function handle(req, res) {
    // Before the body: a GET health check or a preflight is answered 405 at once, not read.
    const refusal = refuseMethod(req.method)
    if (refusal !== null) {
      sendRefusal(res, refusal)
      return
    }
    let body
    try {
      body = await rawBody(req, receiver.limit)
    } catch (error) {
      if (!(error instanceof BodyError)) throw error
      // The rest of an oversized body is never read: closing the connection is the only way
      // to be rid of it without buffering it.
      if (error.status === 413) res.setHeader('connection', 'close')
      sendJson(res, error.status, { error: error.code, message: error.message })
      return
    }
    // headersDistinct keeps a repeated header as an array (see express.js).
    const decision = await receiver.decide(body, req.headersDistinct || req.headers, req)
    if (!decision.accepted) {
      sendJson(res, decision.status, decision.payload)
      return
    }
    // With `dedupe`, the answer decides whether this event is done or its retry is let through.
    settleWhenAnswered(res, decision.complete)
    try {
      await onEvent(decision.event, { rawBody: decision.rawBody, webhook: decision.webhook, req, res })
    } catch (error) {
      // A failure is the handler's verdict even when half an answer is out and the socket is
      // then cut instead of ended: let the retry through.
      decision.complete(500)
      throw error
    }
    // The callback may answer itself (a 202, a body); if it did not, the delivery succeeded.
    if (!res.headersSent && !res.writableEnded) sendJson(res, 200, { ok: true })
  }

  function fail(error, req, res) {
    // Reported, never echoed: the client gets a fixed body whatever the error holds.
    try {
      if (onError !== undefined) onError(error, req)
      else console.error('customerio-security: the webhook handler failed:', error)
    } catch {
      // A throwing logger must not keep the client waiting.
    }
    if (!res.headersSent) {
      sendJson(res, 500, INTERNAL_ERROR)
    } else if (!res.writableEnded) {
      // Half an answer out: cut it rather than let a truncated body look complete.
      res.destroy()
    }
  }
}

module.exports = { customerioNodeHandler }
