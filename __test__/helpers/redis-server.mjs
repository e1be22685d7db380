// A real redis-server for the tests: its own child process on a free 127.0.0.1 port, with no
// persistence, stopped by the test that started it. `.ci/run` installs the Debian package.

import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import net from 'node:net'

/** The path of redis-server, or null when it is not installed. */
export function redisServerBinary() {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' })
  const path = found.stdout.trim()
  return found.status === 0 && path !== '' ? path : null
}

/**
 * What a test does when redis-server is missing: in CI (CI=true) that is a failure of the set-up,
 * so the test fails; on a developer's machine it is skipped with the reason.
 */
export function missingRedisPolicy() {
  if (redisServerBinary() !== null) return { skip: false }
  const reason = 'redis-server is not installed (apt-get install redis-server; .ci/run installs it)'
  if (process.env.CI === 'true') return { skip: false, missing: reason }
  return { skip: reason }
}

/** A port nobody listens on right now (the kernel's choice), closed again before returning. */
export async function freePort() {
  const server = net.createServer()
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address()
  await new Promise((resolve) => server.close(resolve))
  return port
}

/**
 * Starts redis-server; resolves to `{ port, url, stop(), pause(), resume() }` once it accepts
 * connections. `args` are extra command-line options (they win over the defaults: no persistence).
 */
export async function startRedisServer({ args = [] } = {}) {
  const binary = redisServerBinary()
  if (binary === null) throw new Error('redis-server is not installed')
  // Another process could take the free port before redis binds it: try a few times.
  let lastError
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    try {
      return await launch(binary, port, args)
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

async function launch(binary, port, args) {
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice', ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = once(child, 'exit')
  let output = ''
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk
      if (output.includes('Ready to accept connections')) resolve()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    exited.then(([code]) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)))
  })
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    pause() {
      child.kill('SIGSTOP')
    },
    /** Lets a paused server go on (SIGCONT); what it received meanwhile is then applied. */
    resume() {
      child.kill('SIGCONT')
    },
    /** Kills the server (SIGKILL: an outage, not a shutdown) and waits for it to be gone. */
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
    },
  }
}
