// `require` and `import` must hand out the very same objects: a second copy would break
// `instanceof CustomerioSecurityTypeError` and double the native keyring caches.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const CJS_ENTRY = fileURLToPath(new URL('../../index.js', import.meta.url))
const ESM_ENTRY = new URL('../../index.mjs', import.meta.url).href

// The value exports declared in index.d.ts, listed by hand (its type-only exports have no
// runtime value). A new export must be added here and to both entries.
const EXPORTS = {
  CUSTOMERIO_IP_ADDRESSES: 'object',
  CustomerioSecurityError: 'function',
  CustomerioSecurityTypeError: 'function',
  ERASURE_MODES: 'object',
  SENSITIVE_CLASSES: 'object',
  MAX_ID_BYTES: 'number',
  SecretValue: 'function',
  WEBHOOK_FAILURES: 'object',
  WebhookVerifier: 'function',
  checkCredentials: 'function',
  createCredentialHolder: 'function',
  createEventRedactor: 'function',
  createSanitizeStream: 'function',
  createSanitizer: 'function',
  createTrackClient: 'function',
  customerioCdpPlugin: 'function',
  customerioFastify: 'function',
  customerioFetchHandler: 'function',
  customerioIpAllowList: 'function',
  customerioNodeHandler: 'function',
  customerioWebhook: 'function',
  eraseMany: 'function',
  erasePerson: 'function',
  exportPerson: 'function',
  forgetSecrets: 'function',
  formatAuditHead: 'function',
  keepRawBody: 'function',
  loadCredentials: 'function',
  memoryDedupeStore: 'function',
  openAuditLog: 'function',
  recordRequest: 'function',
  redactEvent: 'function',
  redisDedupeStore: 'function',
  refreshIpAllowList: 'function',
  requestStatus: 'function',
  sanitizeAttributes: 'function',
  sanitizeNdjson: 'function',
  scrub: 'function',
  secureTrackClient: 'function',
  signWebhook: 'function',
  verifyAuditLog: 'function',
  verifyWebhook: 'function',
  verifyWebhookRequest: 'function',
}
const NAMES = Object.keys(EXPORTS)

test('the CommonJS entry exports exactly the typed names', () => {
  const cjs = require(CJS_ENTRY)
  assert.deepEqual(Object.keys(cjs).sort(), [...NAMES].sort())
  for (const [name, type] of Object.entries(EXPORTS)) assert.equal(typeof cjs[name], type, name)
})

test('the ES module entry exports the same objects as the CommonJS entry', async () => {
  const cjs = require(CJS_ENTRY)
  const esm = await import(ESM_ENTRY)
  assert.deepEqual(Object.keys(esm).sort(), [...NAMES, 'default'].sort())
  for (const name of NAMES) assert.equal(esm[name], cjs[name], `${name} differs between require and import`)
  assert.equal(esm.default, cjs)
})

test("the package name resolves through package.json's exports to the same objects", async () => {
  // A package may import itself by name; this goes through the "exports" map the way a user's
  // `require('customerio-security')` and `import 'customerio-security'` do.
  const byRequire = require('customerio-security')
  const byImport = await import('customerio-security')
  assert.equal(require.resolve('customerio-security'), CJS_ENTRY)
  for (const name of NAMES) {
    assert.equal(byRequire[name], require(CJS_ENTRY)[name], `require: ${name}`)
    assert.equal(byImport[name], byRequire[name], `import: ${name}`)
  }
})

test('an error thrown through one entry is an instance of the class from the other', async () => {
  const cjs = require(CJS_ENTRY)
  const esm = await import(ESM_ENTRY)
  assert.throws(
    () => esm.verifyWebhook({ body: 'x', secret: undefined }),
    (error) => error instanceof cjs.CustomerioSecurityTypeError && error.code === 'ERR_MISSING_SECRET',
  )
})

test('WEBHOOK_FAILURES is frozen, so no importer can change it for the others', () => {
  const { WEBHOOK_FAILURES } = require(CJS_ENTRY)
  assert.ok(Object.isFrozen(WEBHOOK_FAILURES))
  assert.equal(WEBHOOK_FAILURES.length, 7)
})
