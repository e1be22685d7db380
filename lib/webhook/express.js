'use strict'

// Express (4 and 5) middleware: finds the raw body, asks the receiver for a decision and writes
// it; the verdict comes from the native core through WebhookVerifier.

const { BodyError, keepRawBody, rawBody } = require('./raw-body.js')
const { createReceiver, refuseMethod, sendJson, sendRefusal } = require('./receiver.js')
const { settleWhenAnswered } = require('./settle.js')

function customerioWebhook(options) {
  const receiver = createReceiver(options)

  return function customerioWebhookMiddleware(req, res, next) {
    // Mounted with app.use(path) or app.all(path), it sees every method: anything but POST is
    // answered 405 here, its body left unread. Under app.post(path) Express never calls it for
    // other methods (they fall through to the app's other routes, or its 404).
    const refusal = refuseMethod(req.method)
    if (refusal !== null) {
      sendRefusal(res, refusal)
      return
    }
    rawBody(req, receiver.limit)
      .then(
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
      // Anything that escaped (a write on a closed socket...) goes to Express, never unhandled.
      .catch(next)
  }

  async function handle(req, res, next, body) {
    let decision
    try {
      // headersDistinct keeps a repeated header as an array; req.headers would join it into
      // one "a, b" string, which no verifier can tell apart from junk.
      decision = await receiver.decide(body, req.headersDistinct || req.headers, req)
    } catch (error) {
      // Misuse, or a secret provider or onInvalid that threw: never accept, let the app's error
      // handler see it.
      next(error)
      return
    }
    if (!decision.accepted) {
      sendJson(res, decision.status, decision.payload)
      return
    }
    req.rawBody = decision.rawBody
    req.customerioEvent = decision.event
    req.customerioWebhook = decision.webhook
    settleWhenAnswered(res, decision.complete)
    next()
  }
}

module.exports = { customerioWebhook, keepRawBody }
