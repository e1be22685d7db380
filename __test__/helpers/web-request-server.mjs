// A real node:http server that hands each request to a fetch-style handler, `(Request) =>
// Promise<Response>`, converting both ways the way Hono's Node adapter (@hono/node-server) does:
// headers from the raw header pairs (so a repeated header is joined into "a, b" by Headers, as
// in production), a body stream from the IncomingMessage, the Response written back with its
// status, headers and bytes, and an unread request body discarded after the answer.
//
// Two body streams, since adapters differ in what cancelling one does: 'hono' wraps
// Readable.toWeb in a stream of its own pulled on demand (cancelling it leaves the socket
// alone); 'toWeb' hands Readable.toWeb over as it is (cancelling it destroys the request).
export const BODY_MODES = ['hono', 'toWeb']

import http from 'node:http'
import { once } from 'node:events'
import { Readable } from 'node:stream'

function toRequest(incoming, port, mode) {
  const pairs = []
  for (let i = 0; i < incoming.rawHeaders.length; i += 2)
    pairs.push([incoming.rawHeaders[i], incoming.rawHeaders[i + 1]])
  const init = { method: incoming.method, headers: new Headers(pairs) }
  if (incoming.method !== 'GET' && incoming.method !== 'HEAD' && mode === 'toWeb') {
    init.body = Readable.toWeb(incoming)
    init.duplex = 'half'
  } else if (incoming.method !== 'GET' && incoming.method !== 'HEAD') {
    let reader
    init.body = new ReadableStream({
      async pull(controller) {
        try {
          reader ||= Readable.toWeb(incoming).getReader()
          const { done, value } = await reader.read()
          if (done) controller.close()
          else controller.enqueue(value)
        } catch (error) {
          controller.error(error)
        }
      },
    })
    init.duplex = 'half'
  }
  return new Request(`http://127.0.0.1:${port}${incoming.url}`, init)
}

async function writeResponse(response, outgoing) {
  const body = Buffer.from(await response.arrayBuffer())
  const headers = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  outgoing.writeHead(response.status, { ...headers, 'content-length': body.length })
  outgoing.end(body)
}

/**
 * Listens on 127.0.0.1 port 0. `handle(request)` must resolve to a Response; a rejection is
 * answered 500 with the error's code (like a framework's error handler), so tests can see it.
 */
export async function listenFetch(handle, { mode = 'hono' } = {}) {
  let port
  const server = http.createServer(async (incoming, outgoing) => {
    let ended = false
    incoming.on('end', () => {
      ended = true
    })
    // As the adapter does: a body the handler left unread is dropped once the answer is out.
    outgoing.on('close', () => {
      if (!ended) incoming.destroy()
    })
    let response
    try {
      response = await handle(toRequest(incoming, port, mode))
    } catch (error) {
      response = Response.json({ error: 'UNHANDLED', code: error?.code ?? null }, { status: 500 })
    }
    await writeResponse(response, outgoing)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  port = server.address().port
  return {
    port,
    close() {
      server.closeAllConnections()
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}
