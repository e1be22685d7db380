'use strict'

// The receiver's `complete(status)` contract for adapters that answer on a Node ServerResponse
// (Express's res, node:http, Fastify's reply.raw): tell it how the delivery was answered, exactly once.

/**
 * Calls `complete` with the status once the response is sent, or 0 if the connection closed
 * first (nobody answered, or the client gave up). 'close' also follows a sent response, so
 * `writableFinished` tells the two apart.
 */
function settleWhenAnswered(res, complete) {
  if (typeof complete !== 'function') return
  let settled = false
  const settle = (status) => {
    if (settled) return
    settled = true
    complete(status)
  }
  res.once('finish', () => settle(res.statusCode))
  res.once('close', () => settle(res.writableFinished ? res.statusCode : 0))
}

module.exports = { settleWhenAnswered }
