// Runs the real `customerio-security` bin as a child process, under the Node running the tests
// (so the Node 22 run exercises the CLI on Node 22 too).
import { spawn } from 'node:child_process'
import { createReadStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BIN = fileURLToPath(new URL('../../bin/customerio-security.js', import.meta.url))

/**
 * `input`: a string/Buffer written to stdin, or `{ file }` streamed to stdin from a file; no
 * input means stdin is /dev/null. `env` is added to a copy of process.env; `cwd` is where it runs.
 * Resolves { code, stdout, stderr } (strings) once the process has exited.
 */
export function runCli(args, { input, env, cwd } = {}) {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  })
  if (input !== undefined) {
    // The CLI may stop reading early (--on-error stop): that closes the pipe, not a test failure.
    child.stdin.on('error', () => {})
    if (typeof input === 'object' && !Buffer.isBuffer(input) && 'file' in input) {
      createReadStream(input.file).pipe(child.stdin)
    } else {
      child.stdin.end(input)
    }
  }
  return collect(child)
}

export function collect(child) {
  const out = []
  const err = []
  child.stdout?.on('data', (chunk) => out.push(chunk))
  child.stderr?.on('data', (chunk) => err.push(chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      })
    })
  })
}

/** A fresh temp dir for one test, removed when it ends. */
export async function tempDir(t) {
  const dir = await mkdtemp(join(tmpdir(), 'cio-cli-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** The lines of NDJSON output (the last newline ends the last line: no empty tail). */
export function outputLines(stdout) {
  if (stdout === '') return []
  assertEndsWithNewline(stdout)
  return stdout.slice(0, -1).split('\n')
}

function assertEndsWithNewline(text) {
  if (!text.endsWith('\n')) throw new Error('the output does not end with a newline')
}
