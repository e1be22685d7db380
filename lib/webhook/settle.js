'use strict'

// The receiver's `complete(status)` contract for adapters that answer on a Node ServerResponse
// (Express's res, node:http, Fastify's reply.raw): report the handler's own answer, exactly once.

/**
 * Calls `complete` with the status the handler answers with, when it ends the response: also
 * when the client has gone by then (Customer.io stops waiting after 4 s, and the handler may
 * still succeed or fail after that). A connection that closes before the handler ends its
 * response is no verdict: the claim is kept, renewed while the handler runs, and expires with its
 * lease if the handler never answers.
 */
function settleWhenAnswered(res, complete) {
  if (typeof complete !== 'function') return
  let settled = false
  const settle = () => {
    if (settled) return
    settled = true
    complete(res.statusCode)
  }
  // `end` is where every answer finishes (res.send, res.json, reply.send, a piped stream), and it
  // is called on a response whose socket is already destroyed too, where 'finish' never comes.
  const end = res.end
  res.end = function endAndSettle(...args) {
    settle()
    return end.apply(this, args)
  }
  res.once('finish', settle)
}

module.exports = { settleWhenAnswered }
