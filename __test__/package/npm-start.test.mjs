// `npm start` at the repository root runs the main job with an embedded default: the example
// receiver, with a development secret it generates and prints, in-memory de-duplication, and a
// line that says how to send it a signed event. That line, run as printed, must work.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const ROOT = fileURLToPath(new URL('../../', import.meta.url))

test('npm start serves the receiver, prints a dev secret and a send line that works', async (t) => {
  const env = { ...process.env, PORT: '0' }
  delete env.CUSTOMERIO_WEBHOOK_SECRET
  // Its own process group: npm runs node as a child, and both must go at the end.
  const child = spawn('npm', ['start', '--silent'], {
    cwd: ROOT,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    const exited = once(child, 'exit')
    process.kill(-child.pid, 'SIGTERM')
    await exited
  })
  let output = ''
  child.stdout.setEncoding('utf8').on('data', (text) => (output += text))
  child.stderr.setEncoding('utf8').on('data', (text) => (output += text))
  const line = await new Promise((resolve, reject) => {
    child.stdout.on('data', () => {
      const match = /^send it a signed event.*: (CUSTOMERIO_WEBHOOK_SECRET=(\S+) npm run send -- (\S+))$/m.exec(output)
      if (match) resolve({ command: match[1], secret: match[2], url: match[3] })
    })
    child.once('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)))
  })
  // The printed secret is the generated one the receiver announced.
  assert.match(output, new RegExp(`demo secret:\\n\\s+${line.secret}\\n`))
  assert.match(line.secret, /^[0-9a-f]{64}$/)
  assert.match(line.url, /^http:\/\/127\.0\.0\.1:\d+\/webhooks\/customerio$/)

  // The line as printed, run by a shell from the repository root.
  const { stdout } = await promisify(execFile)(
    'sh',
    ['-c', line.command.replace('npm run send', 'npm run --silent send')],
    { cwd: ROOT, env: process.env },
  )
  assert.match(stdout, /^signed event: 200 \{"received":true\}$/m)
  assert.match(stdout, /^same delivery again: 200 \{"duplicate":true\}$/m)
  assert.match(stdout, /^forged event: 401 \{"error":"SIGNATURE_MISMATCH"\}$/m)
  await new Promise((resolve) => setTimeout(resolve, 100))
  assert.match(output, /received email\/sent event 01E4C4CT6YDC7Y5M7F[0-9A-F]{8}\n/)
  assert.match(output, /duplicate delivery of event:01E4C4CT6YDC7Y5M7F[0-9A-F]{8}: answered 200/)
  assert.equal(output.match(/received email\/sent event/g).length, 1, 'the copy was handled once')
})

test('the README quick start shows npm start, and customerio-node 5 needs Node 22 as it says', async () => {
  const { readFileSync } = await import('node:fs')
  const readme = readFileSync(new URL('README.md', `file://${ROOT}`), 'utf8')
  const quick = readme.slice(
    readme.indexOf('## Quick start'),
    readme.indexOf('\n## ', readme.indexOf('## Quick start') + 5),
  )
  assert.match(quick, /^npm start /m)
  assert.match(quick, /npm run send -- http:\/\/127\.0\.0\.1:3000\/webhooks\/customerio/)
  const pkg = JSON.parse(readFileSync(new URL('package.json', `file://${ROOT}`), 'utf8'))
  assert.equal(pkg.scripts.start, 'node examples/express-receiver/server.mjs')
  const cioNode = JSON.parse(
    readFileSync(new URL('node_modules/customerio-node/package.json', `file://${ROOT}`), 'utf8'),
  )
  const major = Number(/(\d+)/.exec(cioNode.engines.node)[1])
  assert.match(quick, new RegExp(`customerio-node\` 5, which needs Node >= ${major}`))
})
