// The `customerio-security` command itself: the subcommand dispatch, help, version and usage
// errors. Each subcommand's behaviour is tested in its own cli-<name>.test.mjs.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { accessSync, constants, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { BIN, collect, runCli } from '../helpers/cli.mjs'

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'))

test('package.json "bin" points at the dispatcher, which is executable with a node shebang', () => {
  assert.equal(fileURLToPath(new URL(`../../${pkg.bin['customerio-security']}`, import.meta.url)), BIN)
  accessSync(BIN, constants.X_OK)
  assert.ok(readFileSync(BIN, 'utf8').startsWith('#!/usr/bin/env node\n'))
})

test('run through its shebang, as npm links it', async () => {
  const { code, stdout } = await collect(spawn(BIN, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }))
  assert.equal(code, 0)
  assert.equal(stdout, `${pkg.version}\n`)
})

test('--version prints the package version', async () => {
  const { code, stdout, stderr } = await runCli(['--version'])
  assert.equal(code, 0)
  assert.equal(stdout, `${pkg.version}\n`)
  assert.equal(stderr, '')
})

test('--help, -h and help list the commands on stdout, exit 0', async () => {
  for (const args of [['--help'], ['-h'], ['help']]) {
    const { code, stdout, stderr } = await runCli(args)
    assert.equal(code, 0, args.join(' '))
    assert.match(stdout, /^Usage: customerio-security <command> \[options\]/)
    assert.match(stdout, /^ {2}sanitize {2}/m)
    assert.equal(stderr, '')
  }
})

test("help <command> is that command's --help", async () => {
  const viaHelp = await runCli(['help', 'sanitize'])
  const viaFlag = await runCli(['sanitize', '--help'])
  assert.equal(viaHelp.code, 0)
  assert.equal(viaHelp.stdout, viaFlag.stdout)
  assert.match(viaHelp.stdout, /^Usage: customerio-security sanitize/)
})

test('no command: the usage on stderr, exit 2', async () => {
  const { code, stdout, stderr } = await runCli([])
  assert.equal(code, 2)
  assert.equal(stdout, '')
  assert.match(stderr, /^Usage: customerio-security <command>/)
})

test('an unknown command or option: named, the usage on stderr, exit 2', async () => {
  for (const [args, said] of [
    [['sanitise'], "unknown command 'sanitise'"],
    [['--verbose'], "unknown option '--verbose'"],
    [['help', 'nope'], "unknown command 'nope'"],
  ]) {
    const { code, stdout, stderr } = await runCli(args)
    assert.equal(code, 2, args.join(' '))
    assert.equal(stdout, '')
    assert.ok(stderr.includes(`customerio-security: ${said}`), said)
    assert.match(stderr, /Usage: customerio-security <command>/)
  }
})
