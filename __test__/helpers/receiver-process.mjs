// Starts a receiver program (by default __test__/helpers/dedupe-receiver.mjs) as a child Node
// process and talks to it over HTTP. The child prints `{"port":N}` once listening and exits when
// its stdin closes, so it never outlives the test process, however that ends.

import { spawn } from 'node:child_process'
import { once } from 'node:events'
import http from 'node:http'
import { fileURLToPath } from 'node:url'

const PROGRAM = fileURLToPath(new URL('./dedupe-receiver.mjs', import.meta.url))

/**
 * Resolves to `{ port, pid, handled(), kill9(), stop() }` once the child listens. `program` and
 * `env` run another receiver (the chaos test's); `port` asks it to listen on that port (the
 * program reads PORT).
 */
export async function startReceiver({
  secret,
  redisUrl,
  onStoreError = 'reject',
  waitForRedis = true,
  program = PROGRAM,
  env = {},
  port: wantedPort,
}) {
  const child = spawn(process.execPath, [program], {
    env: {
      ...process.env,
      RECEIVER_SECRET: secret,
      REDIS_URL: redisUrl,
      ON_STORE_ERROR: onStoreError,
      WAIT_FOR_REDIS: waitForRedis ? '1' : '0',
      PORT: wantedPort === undefined ? '0' : String(wantedPort),
      ...env,
    },
    stdio: ['pipe', 'pipe', 'pipe'],
    // A process group of its own, killed as a whole.
    detached: true,
  })
  const exited = once(child, 'exit')
  const running = () => child.exitCode === null && child.signalCode === null
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
    /** What the child wrote to stderr so far. */
    stderr: () => stderr,
    /** The event ids this process's handler accepted, in order (its handler log). */
    async handled() {
      return (await getJson(port, '/log')).handled
    },
    /** `kill -9` of its process group; resolves once the child is gone. */
    async kill9() {
      if (running()) {
        try {
          process.kill(-child.pid, 'SIGKILL')
        } catch {
          child.kill('SIGKILL')
        }
        await exited
      }
    },
    async stop() {
      if (running()) {
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
