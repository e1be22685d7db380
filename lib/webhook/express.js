'use strict'

// Express (4 and 5) middleware. It only finds the raw body, calls the verifier and writes the
// answer; the verdict comes from the native core through WebhookVerifier.

const { typeError } = require('../errors.js')
const { WebhookVerifier } = require('./verify.js')
const { BodyError, parseLimit, rawBody } = require('./raw-body.js')

function customerioWebhook(options) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'customerioWebhook options must be an object')
  }
  // Built now, so a missing or bad secret fails when the app starts, not on the first event.
  const verifier = new WebhookVerifier(options)
  const limit = parseLimit(options.limit)
  if (limit === null) {
    throw typeError('ERR_INVALID_LIMIT', "limit must be a byte count or a string such as '5mb'")
  }
  const onInvalid = options.onInvalid
  if (onInvalid !== undefined && typeof onInvalid !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'onInvalid must be a function')
  }

  return function customerioWebhookMiddleware(req, res, next) {
    rawBody(req, limit).then(
      (body) => handle(req, res, next, body),
      (error) => {
        if (error instanceof BodyError) {
          if (error.status === 413) res.setHeader('connection', 'close')
          sendJson(res, error.status, { error: error.code, message: error.message })
        } else {
          next(error)
        }
      },
    )
  }

  function handle(req, res, next, body) {
    // headersDistinct keeps a repeated header as an array; req.headers would join it into
    // one "a, a" string, which no verifier can tell apart from junk.
    const headers = req.headersDistinct || req.headers
    let verdict
    try {
      verdict = verifier.verify({
        body,
        signature: headers['x-cio-signature'],
        timestamp: headers['x-cio-timestamp'],
      })
    } catch (error) {
      // Misuse or a secret provider that threw: never accept, let the app's error handler see it.
      next(error)
      return
    }
    if (!verdict.valid) {
      if (onInvalid !== undefined) {
        try {
          onInvalid(verdict.reason, req)
        } catch (error) {
          next(error)
          return
        }
      }
      sendJson(res, 401, { error: verdict.reason })
      return
    }
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body
    let event
    try {
      event = JSON.parse(bytes.toString('utf8'))
    } catch {
      sendJson(res, 400, { error: 'INVALID_JSON' })
      return
    }
    req.rawBody = bytes
    req.customerioEvent = event
    req.customerioWebhook = { secretIndex: verdict.secretIndex, timestamp: verdict.timestamp }
    next()
  }
}

function sendJson(res, status, payload) {
  const text = JSON.stringify(payload)
  res.statusCode = status
  res.setHeader('content-type', 'application/json; charset=utf-8')
  res.setHeader('content-length', Buffer.byteLength(text))
  res.end(text)
}

module.exports = { customerioWebhook }
