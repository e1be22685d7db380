// `customerio-security sanitize --policy FILE`: a policy file, with the HMAC pepper taken from an
// environment variable it names. The digest is checked against node:crypto, and the key must
// appear nowhere: not on stdout, not on stderr, not when the variable is missing.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'

import { createSanitizer } from '../../index.js'
import { outputLines, runCli, tempDir } from '../helpers/cli.mjs'

// Distinctive, so a hit can only be a leak; never printed by a failing assertion.
const PEPPER = 'pepper-canary-5e1d9b77c2'
const ENV = 'CIO_CLI_TEST_PEPPER'

function assertNoKey(text, where) {
  assert.ok(!text.includes(PEPPER) && !text.includes('pepper-canary'), `the pepper appears in ${where}`)
}

async function policyFile(t, policy) {
  const file = join(await tempDir(t), 'policy.json')
  await writeFile(file, JSON.stringify(policy))
  return file
}

test('pepper via keyEnv: phones come out as keyId:HMAC-SHA256 (node:crypto), the key nowhere', async (t) => {
  const file = await policyFile(t, { pseudonym: 'hmac', pepper: { keyEnv: ENV, keyId: 'k1' } })
  const records = [
    { id: 'a', phone: '+15550123456' },
    { id: 'b', contacts: [{ phone_number: '+442071838750' }] },
  ]
  const input = records.map((r) => JSON.stringify(r)).join('\n')

  const { code, stdout, stderr } = await runCli(['sanitize', '--policy', file], { input, env: { [ENV]: PEPPER } })

  assert.equal(code, 0)
  const hmac = (value) => `k1:${createHmac('sha256', PEPPER).update(value).digest('hex')}`
  const lines = outputLines(stdout).map((line) => JSON.parse(line))
  assert.deepEqual(lines, [
    { id: 'a', phone_hash: hmac('+15550123456') },
    { id: 'b', contacts: [{ phone_number_hash: hmac('+442071838750') }] },
  ])
  // And exactly what the library gives for the same policy with the key passed in.
  const library = createSanitizer({ pseudonym: 'hmac', pepper: { key: PEPPER, keyId: 'k1' } })
  assert.deepEqual(
    outputLines(stdout),
    input.split('\n').map((line) => library.sanitizeJson(line)),
  )
  assertNoKey(stdout, 'stdout')
  assertNoKey(stderr, 'stderr')
})

test('keyEnv naming an unset variable: exit 2, the variable named, nothing sanitized', async (t) => {
  const file = await policyFile(t, { pseudonym: 'hmac', pepper: { keyEnv: ENV, keyId: 'k1' } })
  // undefined removes the variable from the child's environment (spawn skips undefined values).
  const env = { [ENV]: undefined }

  const { code, stdout, stderr } = await runCli(['sanitize', '--policy', file], {
    input: '{"phone":"+15550123456"}\n',
    env,
  })

  assert.equal(code, 2)
  assert.equal(stdout, '')
  assert.ok(stderr.includes(`the environment variable ${ENV}`), 'names the missing variable')
  assert.match(stderr, /is not set or empty/)
})

test('a key written into the policy file is refused, and not echoed', async (t) => {
  const file = await policyFile(t, { pseudonym: 'hmac', pepper: { key: PEPPER, keyId: 'k1' } })
  const { code, stdout, stderr } = await runCli(['sanitize', '--policy', file], { input: '{}\n' })
  assert.equal(code, 2)
  assert.equal(stdout, '')
  assert.match(stderr, /pepper\.key is not read from a policy file/)
  assertNoKey(stderr, 'stderr')
})

test('a policy file that is not JSON: exit 2, without quoting its text', async (t) => {
  const file = join(await tempDir(t), 'policy.json')
  await writeFile(file, `{ "pepper": { "key": "${PEPPER}" `)
  const { code, stderr } = await runCli(['sanitize', '--policy', file], { input: '{}\n' })
  assert.equal(code, 2)
  assert.match(stderr, /is not valid JSON/)
  assertNoKey(stderr, 'stderr')
})

test('a policy the sanitizer rejects: exit 2 with its code and the option named', async (t) => {
  const file = await policyFile(t, { presett: 'customerio' })
  const { code, stderr } = await runCli(['sanitize', '--policy', file], { input: '{}\n' })
  assert.equal(code, 2)
  assert.match(stderr, /ERR_INVALID_POLICY: unknown policy option 'presett'/)
})

test('a missing policy file: exit 2', async (t) => {
  const missing = join(await tempDir(t), 'none.json')
  const { code, stderr } = await runCli(['sanitize', '--policy', missing], { input: '{}\n' })
  assert.equal(code, 2)
  assert.ok(stderr.includes(`cannot read the policy file ${missing}: no such file or directory`))
})

test('a policy changes the output the same way as in the library (customerio preset, sms)', async (t) => {
  const policy = { preset: 'customerio', sms: true }
  const file = await policyFile(t, policy)
  const lines = ['{"id":"1","email":"A@x.io","phone":"+15550123456","ssn":"078-05-1120"}', '{"phone":"555"}']

  const { code, stdout } = await runCli(['sanitize', '--policy', file], { input: lines.join('\n') })

  assert.equal(code, 0)
  const library = createSanitizer(policy)
  assert.deepEqual(
    outputLines(stdout),
    lines.map((line) => library.sanitizeJson(line)),
  )
})
