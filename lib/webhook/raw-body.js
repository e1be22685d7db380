'use strict'

// Finds the raw request body for signature checks, whatever body parser ran before us.

const { refusal, tooLarge: tooLargeRefusal } = require('./refusals.js')

const DEFAULT_LIMIT = 5 * 1024 * 1024
const UNITS = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }

/** `limit` as bytes: a number, or a string such as '5mb' or '512kb' (like body-parser's). */
function parseLimit(limit) {
  if (limit === undefined) return DEFAULT_LIMIT
  if (typeof limit === 'number' && Number.isSafeInteger(limit) && limit >= 0) return limit
  const match = typeof limit === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(limit) : null
  if (match === null) return null
  return Math.floor(Number(match[1]) * UNITS[(match[2] || 'b').toLowerCase()])
}

/** A body that cannot be read raw: carries its refusal (from the adapters' one table). */
class BodyError extends Error {
  constructor(answer) {
    super(answer.payload.message)
    this.status = answer.status
    this.code = answer.payload.error
  }
}

/**
 * Resolves to the raw body as a Buffer (or the string a text parser left), in this order:
 * `req.rawBody` kept by `express.json({ verify })`, a Buffer from `express.raw()`, a string
 * from `express.text()`, or the unread stream itself. Rejects with a BodyError when only a
 * parsed object is left (re-serializing it would change the bytes) or the body is too large.
 */
function rawBody(req, limit) {
  const kept = req.rawBody
  if (Buffer.isBuffer(kept) || typeof kept === 'string') return Promise.resolve(kept)
  const body = req.body
  if (Buffer.isBuffer(body) || typeof body === 'string') return Promise.resolve(body)
  if (streamUnread(req)) return readStream(req, limit)
  return Promise.reject(
    new BodyError(
      refusal(
        'BODY_NOT_RAW',
        'customerio-security: the request body was already parsed, and the signature covers the raw ' +
          'bytes. Mount customerioWebhook() before any body parser on this route, or use ' +
          "express.raw({ type: 'application/json' }), or keep the bytes with " +
          'express.json({ verify: keepRawBody }) (keepRawBody from customerio-security).',
      ),
    ),
  )
}

// body-parser marks a body it consumed with `req._body`; Express 4's parsers leave `{}` in
// `req.body` without reading when the content type does not match.
function streamUnread(req) {
  return req._body !== true && !req.readableEnded && typeof req.on === 'function'
}

function readStream(req, limit) {
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return Promise.reject(tooLarge(limit))
  return new Promise((resolve, reject) => {
    const chunks = []
    let length = 0
    const cleanup = () => {
      req.removeListener('data', onData)
      req.removeListener('end', onEnd)
      req.removeListener('error', onError)
      req.removeListener('aborted', onAborted)
    }
    const onData = (chunk) => {
      length += chunk.length
      if (length > limit) {
        cleanup()
        // Stop buffering; the response closes the connection.
        req.pause()
        reject(tooLarge(limit))
        return
      }
      chunks.push(chunk)
    }
    const onEnd = () => {
      cleanup()
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length))
    }
    const onError = (error) => {
      cleanup()
      reject(error)
    }
    const onAborted = () => {
      cleanup()
      reject(new BodyError(refusal('REQUEST_ABORTED', 'customerio-security: the client aborted the request')))
    }
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('error', onError)
    req.on('aborted', onAborted)
  })
}

function tooLarge(limit) {
  return new BodyError(tooLargeRefusal(limit))
}

/**
 * `express.json({ verify: keepRawBody })`: keeps the bytes a JSON parser read, so a route behind
 * it can still be verified (the signature covers the exact bytes, never the parsed object).
 */
function keepRawBody(req, res, buf) {
  req.rawBody = buf
}

module.exports = { BodyError, DEFAULT_LIMIT, keepRawBody, parseLimit, rawBody }
