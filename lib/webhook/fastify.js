'use strict'

// A Fastify (4 and 5) plugin: `app.register(customerioFastify, { secret, path, handler })` adds
// one POST route that only ever sees verified deliveries.
//
// It is deliberately encapsulated (no fastify-plugin): the raw-bytes body parser it installs
// replaces every parser, and must replace them only for this route, never for the app's other
// routes. So the plugin registers the route itself, inside its own context.

const { createReceiver } = require('./receiver.js')
const { settleWhenAnswered } = require('./settle.js')
const { typeError } = require('../errors.js')

const DEFAULT_PATH = '/webhooks/customerio'
const EMPTY = Buffer.alloc(0)

async function customerioFastify(fastify, options) {
  if (options === null || typeof options !== 'object') {
    throw typeError('ERR_INVALID_ARGUMENT', 'customerioFastify options must be an object')
  }
  const { handler, path = DEFAULT_PATH } = options
  if (typeof handler !== 'function') {
    throw typeError('ERR_INVALID_ARGUMENT', 'customerioFastify needs a handler(request, reply) function')
  }
  if (typeof path !== 'string' || !path.startsWith('/')) {
    throw typeError('ERR_INVALID_ARGUMENT', "customerioFastify path must be a string starting with '/'")
  }
  const receiver = createReceiver(options, 'customerioFastify')

  // Every content type, even application/json, arrives as the exact bytes: the signature covers
  // them, and Fastify enforces the limit while reading (answering before reading if the declared
  // Content-Length is already over it).
  fastify.removeAllContentTypeParsers()
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: receiver.limit }, keepBytes)

  // Declared up front so every request object keeps one shape (Fastify's advice); a parent that
  // already declares one (fastify-raw-body declares rawBody) is left as it is.
  for (const name of ['customerioEvent', 'rawBody', 'customerioWebhook']) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, null)
  }

  fastify.route({
    method: 'POST',
    url: path,
    preHandler: verifyDelivery,
    errorHandler: answerBodyErrors(receiver.limit),
    handler,
  })

  async function verifyDelivery(request, reply) {
    // Fastify skips the parser for a POST with neither a body nor a content type.
    const body = request.body === undefined ? EMPTY : request.body
    // headersDistinct keeps a repeated header as an array (see express.js).
    const decision = await receiver.decide(body, request.raw.headersDistinct || request.headers, request)
    if (!decision.accepted) {
      return reply.code(decision.status).send(decision.payload)
    }
    request.rawBody = decision.rawBody
    request.customerioEvent = decision.event
    request.customerioWebhook = decision.webhook
    // With `dedupe`, the answer decides whether this event is done or its retry is let through.
    settleWhenAnswered(reply.raw, decision.complete)
    return undefined
  }
}

function keepBytes(request, body, done) {
  done(null, body)
}

// Fastify's own body-limit error becomes the same answer the other adapters give; anything
// else (a failing secret provider, the handler's own errors) goes on to the app's error handler.
function answerBodyErrors(limit) {
  const payload = {
    error: 'PAYLOAD_TOO_LARGE',
    message: `customerio-security: the body is larger than the limit of ${limit} bytes`,
  }
  return function customerioBodyErrors(error, request, reply) {
    if (error !== null && typeof error === 'object' && error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      // The rest of the body is not read: closing the connection is how to be rid of it.
      reply.header('connection', 'close')
      return reply.code(413).send(payload)
    }
    throw error
  }
}

// What Fastify shows for the plugin in its logs and errors (fastify-plugin sets the same symbol).
customerioFastify[Symbol.for('fastify.display-name')] = 'customerio-security'

module.exports = { customerioFastify }
