// Starts __test__/helpers/dedupe-receiver.mjs as a child Node process and talks to it over HTTP.

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'

const PROGRAM = fileURLToPath(new URL('./dedupe-receiver.mjs', import.meta.url))

/** Resolves to `{ port, handled(), stop() }` once the child listens. */
export async function startReceiver({ secret, redisUrl, onStoreError = 'reject', waitForRedis = true }) {
  const child = spawn(process.execPath, [PROGRAM], {
    env: {
      ...process.env,
      RECEIVER_SECRET: secret,
      REDIS_URL: redisUrl,
      ON_STORE_ERROR: onStoreError,
      WAIT_FOR_REDIS: waitForRedis ? '1' : '0',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit')
  let stderr = ''
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const port = await new Promise((resolve, reject) => {
    let stdout = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
      const line = stdout.split('\n')[0]
      if (stdout.includes('\n')) resolve(JSON.parse(line).port)
    })
    exited.then(([code]) => reject(new Error(`receiver exited with ${code} before listening:\n${stderr}`)))
  })
  return {
    port,
    pid: child.pid,
    /** The event ids this process's handler accepted, in order (its handler log). */
    async handled() {
      return (await getJson(port, '/log')).handled
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end()
        await exited
      }
    },
  }
}

function getJson(port, path) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent: false }, (res) => {
        const chunks = []
        res.on('data', (chunk) => chunks.push(chunk))
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))))
        res.on('error', reject)
      })
      .on('error', reject)
  })
}
