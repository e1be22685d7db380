// Real Express apps for the middleware tests: one per test, listening on 127.0.0.1 port 0, with
// the verified requests recorded in-process so tests can inspect the very `req` the handler saw.

import { createRequire } from 'node:module'
import { once } from 'node:events'

const require = createRequire(import.meta.url)

/** Both majors are installed side by side under aliases (see package.json devDependencies). */
export const EXPRESS_VERSIONS = ['express4', 'express5']

export function loadExpress(name) {
  return require(name)
}

/**
 * An app with `POST /hook` = [...before, webhook, handler]. `appWide` middlewares are mounted with
 * `app.use` first, like a service that parses JSON everywhere. The handler records what the
 * middleware left on `req`; an error handler answers 500 with the error's code, so a `next(err)`
 * is visible to the client instead of Express's HTML page.
 */
export function buildApp(express, { webhook, before = [], appWide = [] }) {
  const app = express()
  const seen = []
  for (const middleware of appWide) app.use(middleware)
  app.post('/hook', ...before, webhook, (req, res) => {
    seen.push({
      event: req.customerioEvent,
      rawBody: req.rawBody,
      webhook: req.customerioWebhook,
      parsedBody: req.body,
    })
    res.status(200).json({ ok: true })
  })
  // Four arguments: that is how Express recognises an error handler.
  app.use((error, req, res, next) => {
    res.status(500).json({ error: 'UNHANDLED', code: error && error.code })
  })
  return { app, seen }
}

/** Listens on an ephemeral port; `close()` also drops kept-alive sockets so the test ends. */
export async function listen(app) {
  const server = app.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  return {
    port,
    close() {
      server.closeAllConnections()
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())))
    },
  }
}
