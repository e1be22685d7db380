// Runs examples/express-receiver as a user would: server.mjs in one process, send.mjs in another,
// over real HTTP. The signed delivery must be accepted and the forged one refused.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const EXAMPLE_DIR = fileURLToPath(new URL('../../examples/express-receiver/', import.meta.url))

/** Starts server.mjs with PORT=0 and resolves once it prints the URL it listens on. */
async function startServer(env) {
  const child = spawn(process.execPath, ['server.mjs'], { cwd: EXAMPLE_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.setEncoding('utf8')
  child.stderr.setEncoding('utf8')
  child.stdout.on('data', (text) => (output += text))
  child.stderr.on('data', (text) => (output += text))
  const url = await new Promise((resolve, reject) => {
    const onData = () => {
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1])
    }
    child.stdout.on('data', onData)
    child.once('exit', (code) => reject(new Error(`server.mjs exited with ${code} before listening:\n${output}`)))
  })
  return { child, url, output: () => output }
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill()
  await exited
}

function send(url, env) {
  return promisify(execFile)(process.execPath, ['send.mjs', url], { cwd: EXAMPLE_DIR, env })
}

test('example receiver: send.mjs gets 200 for the signed event and 401 for the forged one', async () => {
  // Passed by env var, so neither script has a reason to print it.
  const secret = randomBytes(32).toString('hex')
  const env = { ...process.env, CUSTOMERIO_WEBHOOK_SECRET: secret, PORT: '0' }
  const server = await startServer(env)
  try {
    const { stdout } = await send(server.url, env)
    assert.match(stdout, /^signed event: 200 \{"received":true\}$/m)
    assert.match(stdout, /^same delivery again: 200 \{"duplicate":true\}$/m)
    assert.match(stdout, /^forged event: 401 \{"error":"SIGNATURE_MISMATCH"\}$/m)
    assert.ok(!stdout.includes(secret), 'send.mjs must not print the secret')
  } finally {
    await stop(server.child)
  }
  const logged = server.output()
  assert.match(logged, /received email\/sent event 01E4C4CT6YDC7Y5M7F[0-9A-F]{8}\n/)
  assert.equal(logged.match(/received email\/sent event/g).length, 1, 'the copy is not handled again')
  // Given a secret, the send line names the variable instead of printing it.
  assert.match(logged, /CUSTOMERIO_WEBHOOK_SECRET="\$CUSTOMERIO_WEBHOOK_SECRET" npm run send -- http/)
  assert.match(logged, /refused a delivery from .*: SIGNATURE_MISMATCH/)
  assert.ok(!logged.includes(secret), 'server.mjs must not print a secret it was given')
})

test('example receiver: without a secret, server.mjs prints a demo one that send.mjs can use', async () => {
  const env = { ...process.env, PORT: '0' }
  delete env.CUSTOMERIO_WEBHOOK_SECRET
  const server = await startServer(env)
  try {
    // The README flow: copy the printed demo secret into send.mjs's environment.
    const match = /demo secret:\n\s+(\S+)\n/.exec(server.output())
    assert.ok(match, server.output())
    const { stdout } = await send(server.url, { ...env, CUSTOMERIO_WEBHOOK_SECRET: match[1] })
    assert.match(stdout, /^signed event: 200 /m)
    assert.match(stdout, /^forged event: 401 /m)
  } finally {
    await stop(server.child)
  }
})
