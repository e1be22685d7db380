// What the audit's credential finder counts as a credential, line by line.

import test from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { detect } = require('../../lib/cli/checklist/detect.js')

const SITE = '0123456789abcdef0123'
const APP = '0123456789abcdef0123456789abcdef'

test('shaped credential variables count only with a value of their shape', () => {
  assert.equal(detect(`CUSTOMERIO_SITE_ID=${SITE}`).length, 1)
  assert.equal(detect(`CUSTOMERIO_APP_API_KEY="${APP}"`).length, 1)
  // A proxy's own token or a test fixture under the same name cannot be a Customer.io key.
  assert.deepEqual(detect("{ CUSTOMERIO_SITE_ID: 'proxy-site', CUSTOMERIO_TRACK_API_KEY: 'proxy-token' }"), [])
})

test('secrets and tokens have no shape: any literal value counts', () => {
  const [finding] = detect('CUSTOMERIO_WEBHOOK_SECRET=whsec-live-2f9a8c7e') // customerio-security: allow (a fixture: the finder must find it)
  assert.equal(finding.kind, 'assignment')
  assert.equal(finding.masked, 'whse****')
})

test('placeholders and references are not credentials', () => {
  for (const line of [
    'CUSTOMERIO_WEBHOOK_SECRET=changeme',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell reference, on purpose
    'CUSTOMERIO_TRACK_API_KEY=${TRACK_KEY}',
    'CUSTOMERIO_SITE_ID=process.env.X',
  ]) {
    assert.deepEqual(detect(line), [], line)
  }
})
