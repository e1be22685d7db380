// The Next.js recipe of docs/platforms.md, run for real: an App Router route handler on verifyWebhookRequest,
// the package installed in node_modules and listed in serverExternalPackages, a real `next build`,
// then `next start` on loopback answering a signed event 200 and a forged one 401.

import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

import { signWebhook } from '../../index.js'
import { freePort, startServerProcess } from '../helpers/server-process.mjs'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const SECRET = 'next-route-secret'
// What `npm install customerio-security` puts in node_modules (the manifest's files and the addon).
const PACKAGE_FILES = [
  'index.js',
  'index.mjs',
  'index.d.ts',
  'binding.js',
  'binding.d.ts',
  'lib',
  'types',
  'package.json',
]

function nextApp(t) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cio-next-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(path.join(dir, 'node_modules/customerio-security'), { recursive: true })
  for (const name of ['next', 'react', 'react-dom']) {
    symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name), 'dir')
  }
  for (const file of [...PACKAGE_FILES, 'customerio-security.linux-x64-gnu.node']) {
    cpSync(path.join(ROOT, file), path.join(dir, 'node_modules/customerio-security', file), { recursive: true })
  }
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "next-app", "private": true, "type": "module" }\n')
  // turbopack.root: next is linked from this repository's node_modules, outside the app's folder.
  writeFileSync(
    path.join(dir, 'next.config.mjs'),
    "export default { serverExternalPackages: ['customerio-security'], turbopack: { root: '/' } }\n",
  )
  mkdirSync(path.join(dir, 'app/webhooks/customerio'), { recursive: true })
  writeFileSync(
    path.join(dir, 'app/layout.js'),
    'export default function RootLayout({ children }) { return children }\n',
  )
  writeFileSync(
    path.join(dir, 'app/webhooks/customerio/route.js'),
    `import { verifyWebhookRequest } from 'customerio-security'

const options = { secret: process.env.CUSTOMERIO_WEBHOOK_SECRET }

export async function POST(request) {
  const result = await verifyWebhookRequest(request, options)
  if (!result.ok) return result.response
  return Response.json({ ok: true, event: result.event.event_id })
}
`,
  )
  return dir
}

test('next build with serverExternalPackages, then next start: signed 200, forged 401', async (t) => {
  const dir = nextApp(t)
  const next = path.join(dir, 'node_modules/next/dist/bin/next')
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', CUSTOMERIO_WEBHOOK_SECRET: SECRET }
  // A guard against a hung build, not a performance assertion.
  const build = spawnSync(process.execPath, [next, 'build'], { cwd: dir, env, encoding: 'utf8', timeout: 600_000 })
  assert.equal(build.status, 0, `${build.stdout}\n${build.stderr}`)
  assert.match(build.stdout, /\/webhooks\/customerio/)

  const port = await freePort()
  await startServerProcess(t, process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env,
    ready: 'Ready',
  })

  const body = JSON.stringify({ event_id: 'next-1', object_type: 'email', metric: 'sent' })
  const headers = signWebhook(body, SECRET)
  const url = `http://127.0.0.1:${port}/webhooks/customerio`
  const signed = await fetch(url, { method: 'POST', headers, body })
  assert.equal(signed.status, 200)
  assert.deepEqual(await signed.json(), { ok: true, event: 'next-1' })
  const forged = await fetch(url, { method: 'POST', headers: { ...headers, 'x-cio-signature': '0'.repeat(64) }, body })
  assert.equal(forged.status, 401)
  assert.deepEqual(await forged.json(), { error: 'SIGNATURE_MISMATCH' })
})
