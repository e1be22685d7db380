// A real redis-server for the tests: its own child process on a free 127.0.0.1 port, stopped by
// the test that started it. Without options it keeps nothing on disk; with `dir` it keeps an
// append-only file there, fsynced on every write, so a `kill -9` and `restart()` on the same port
// finds the keys again (the chaos test). `.ci/run` installs the Debian package.
//
// Each server has a watchdog: a tiny shell of its own process group that reads a pipe from this
// process and, when the pipe closes (this process ended, however it ended), kills the server.
// So a test that crashes or is killed by the runner leaves no redis-server behind.

import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

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
 * Starts redis-server; resolves once it accepts connections to
 * `{ port, url, pid, stop(), signal(name), pause(), resume(), kill9(), restart() }`.
 * `dir` (an existing, empty directory): persistence on, AOF with `appendfsync always`.
 * `args`: extra command-line options, after the defaults (so they win).
 */
export async function startRedisServer({ dir, args = [] } = {}) {
  const binary = redisServerBinary()
  if (binary === null) throw new Error('redis-server is not installed')
  // Another process could take the free port before redis binds it: try a few times.
  let lastError
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    try {
      return handle(binary, port, dir, args, await launch(binary, port, dir, args))
    } catch (error) {
      lastError = error
    }
  }
  throw lastError
}

function handle(binary, port, dir, args, first) {
  let current = first
  const alive = () => current !== null && current.child.exitCode === null && current.child.signalCode === null
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    /** The pid of the running server (null while it is down). */
    get pid() {
      return alive() ? current.child.pid : null
    },
    /** Sends a signal to the server (SIGSTOP / SIGCONT to freeze and thaw it). */
    /** Freezes the server (SIGSTOP): connections stay open, nothing is answered. */
    pause() {
      if (alive()) process.kill(current.child.pid, 'SIGSTOP')
    },
    /** Lets a paused server go on (SIGCONT); what it received meanwhile is then applied. */
    resume() {
      if (alive()) process.kill(current.child.pid, 'SIGCONT')
    },
    signal(name) {
      if (!alive()) throw new Error(`redis-server is not running (signal ${name})`)
      process.kill(current.child.pid, name)
    },
    /** `kill -9`: an outage, not a shutdown; resolves once the process is gone. */
    async kill9() {
      if (current === null) return
      const { child, exited, watchdog, scratch } = current
      current = null
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL')
        await exited
      }
      watchdog.disarm()
      if (scratch !== null) rmSync(scratch, { recursive: true, force: true })
    },
    /** Starts the server again on the same port (and directory), after kill9(). */
    async restart() {
      if (alive()) throw new Error('redis-server is still running')
      // The port was just freed; a few quick tries in case the kernel is slow to let it go.
      let lastError
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          current = await launch(binary, port, dir, args)
          return
        } catch (error) {
          lastError = error
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      }
      throw lastError
    },
    /** Kills the server (SIGKILL, which also ends a stopped one) and waits for it to be gone. */
    async stop() {
      await this.kill9()
    },
  }
}

async function launch(binary, port, dir, args) {
  // Without `dir`, a scratch directory all the same: a test that turns persistence on through
  // `args` must not leave an appendonlydir/ or dump.rdb in the working directory.
  const scratch = dir === undefined ? mkdtempSync(path.join(os.tmpdir(), 'cio-redis-')) : null
  const persistence =
    dir === undefined
      ? ['--dir', scratch, '--save', '', '--appendonly', 'no']
      : ['--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', 'always']
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', ...persistence, '--loglevel', 'notice', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  const exited = once(child, 'exit')
  const watchdog = guard(child.pid)
  let output = ''
  let ready = false
  try {
    await new Promise((resolve, reject) => {
      const onData = (chunk) => {
        if (ready) return
        output += chunk
        if (output.includes('Ready to accept connections')) {
          ready = true
          resolve()
        }
      }
      child.stdout.on('data', onData)
      child.stderr.on('data', onData)
      exited.then(([code]) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)))
    })
  } catch (error) {
    watchdog.disarm()
    if (scratch !== null) rmSync(scratch, { recursive: true, force: true })
    throw error
  }
  // Keep reading (and dropping) its log, so a full pipe never blocks the server.
  return { child, exited, watchdog, scratch }
}

/** Kills `pid` when this process ends: a shell waiting for EOF on a pipe only we hold open. */
function guard(pid) {
  const shell = spawn('sh', ['-c', `cat >/dev/null; kill -9 ${pid} 2>/dev/null`], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own process group: a Ctrl-C meant for the test runner must not end the watchdog first.
    detached: true,
  })
  shell.unref()
  shell.stdin.unref()
  shell.stdin.on('error', () => {})
  return {
    /** The server is gone already: end the watchdog without letting it signal a reused pid. */
    disarm() {
      try {
        shell.kill('SIGKILL')
      } catch {}
    },
  }
}
