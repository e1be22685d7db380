'use strict'

// A Fastify (4 and 5) plugin: `app.register(customerioFastify, { secret, path, handler })` adds
// one POST route that only ever sees verified deliveries, and on the same path a route for the
// other methods that answers them 405 with `Allow: POST` (instead of Fastify's 404).
//
// It is deliberately encapsulated (no fastify-plugin): the raw-bytes body parser it installs
// replaces every parser, and must replace them only for this route, never for the app's other
// routes. So the plugin registers the route itself, inside its own context.

const { WEBHOOK_METHOD, createReceiver, refuseMethod } = require('./receiver.js')
const { tooLarge } = require('./refusals.js')
const { settleWhenAnswered } = require('./settle.js')
const { typeError } = require('../errors.js')

const DEFAULT_PATH = '/webhooks/customerio'
const EMPTY = Buffer.alloc(0)
// Fastify 4's methods; Fastify 5 lists its own (with any added by addHttpMethod) as supportedMethods.
const FASTIFY_4_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS']

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

  // Every other method on the path, answered 405 in onRequest: before Fastify reads or parses a
  // body. A method the app already routes on this path (its own GET health check, say) stays
  // the app's.
  const url = (fastify.prefix || '') + path
  const supported = Array.isArray(fastify.supportedMethods) ? fastify.supportedMethods : FASTIFY_4_METHODS
  const others = supported.filter(
    (method) =>
      method !== WEBHOOK_METHOD && !(typeof fastify.hasRoute === 'function' && fastify.hasRoute({ method, url })),
  )
  if (others.length > 0) {
    fastify.route({
      method: others,
      url: path,
      // HEAD is in `others` unless the app routes it; no second HEAD route derived from the GET.
      exposeHeadRoute: false,
      onRequest: refuseOtherMethods,
      handler: refuseOtherMethods,
    })
  }

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

// The same answer as every adapter's, from receiver.js. Fastify sends no body to a HEAD request.
async function refuseOtherMethods(request, reply) {
  const refusal = refuseMethod(request.method)
  // Only reached for methods other than POST; a POST here would be a Fastify routing bug.
  if (refusal === null) return undefined
  return reply.code(refusal.status).headers(refusal.headers).send(refusal.payload)
}

function keepBytes(request, body, done) {
  done(null, body)
}

// Fastify's own body-limit error becomes the same answer the other adapters give; anything
// else (a failing secret provider, the handler's own errors) goes on to the app's error handler.
function answerBodyErrors(limit) {
  const { payload } = tooLarge(limit)
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
