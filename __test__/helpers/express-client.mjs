// The client side of the middleware tests: real HTTP requests with node:http (so a header can be
// sent twice and a body can be sent chunked), and an independent signer built on node:crypto.

import http from 'node:http'
import { createHmac } from 'node:crypto'

/**
 * The documented Customer.io signature, computed without the package under test:
 * lowercase hex HMAC-SHA256 over `v0:<timestamp>:<raw body>`.
 */
export function cryptoSignature(body, secret, timestamp) {
  return createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')
}

export function nowSeconds() {
  return Math.floor(Date.now() / 1000)
}

/**
 * POSTs `body` to `path`. `headers` values may be arrays: node:http then writes one header line
 * per value. With `chunked: true` no Content-Length is sent and the body goes out in pieces, so
 * the server only learns the size while reading. Resolves to `{ status, headers, text, json }`.
 */
export function post(port, path, body, { headers = {}, chunked = false } = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')
  return new Promise((resolve, reject) => {
    // agent: false -> a fresh connection per request, so a connection the server closed after a
    // 413 cannot be reused by the next request.
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent: false })
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) req.setHeader(name, value)
    }
    if (!chunked) req.setHeader('content-length', bytes.length)
    req.on('response', (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json
        try {
          json = JSON.parse(text)
        } catch {
          json = undefined
        }
        resolve({ status: res.statusCode, headers: res.headers, text, json })
      })
      res.on('error', reject)
    })
    // The server may answer 413 and close before the whole body is written: the answer is what
    // the test is about, so a write error after a response arrived is ignored.
    req.on('error', reject)
    if (chunked) {
      const piece = 512
      for (let i = 0; i < bytes.length; i += piece) req.write(bytes.subarray(i, i + piece))
      req.end()
    } else {
      req.end(bytes)
    }
  })
}
