// A server run as a child process for one test (workerd, next start): resolves once its output
// says it is ready, and is killed when the test ends (or this process exits, however it exits).

import { spawn } from 'node:child_process'
import { once } from 'node:events'

export { freePort } from './redis-server.mjs'

/** Spawns `command args`, waits for `ready` in its stdout or stderr; rejects if it exits first. */
export async function startServerProcess(t, command, args, { ready, ...options }) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  const kill = () => child.kill('SIGKILL')
  process.once('exit', kill)
  t.after(async () => {
    kill()
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
    process.removeListener('exit', kill)
  })
  let output = ''
  await new Promise((resolve, reject) => {
    const onData = (chunk) => {
      output += chunk
      if (output.includes(ready)) resolve()
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    child.once('exit', (code) => reject(new Error(`${command} exited (${code}) before it was ready:\n${output}`)))
  })
  return child
}
