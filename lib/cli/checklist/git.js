'use strict'

// Runs the `git` binary without a shell (arguments are never parsed by one), in the audited
// directory, with a pager, colours, external diff drivers and text conversion off so the output
// is the plain text the scanner expects. Large outputs are streamed line by line.

const { execFile, spawn } = require('node:child_process')
const { createInterface } = require('node:readline')

const BASE_ARGS = ['-c', 'core.quotepath=off', '-c', 'color.ui=false', '--no-pager']
const MAX_BUFFER = 64 * 1024 * 1024

function gitEnv() {
  // LC_ALL=C: messages we match on are English; GIT_OPTIONAL_LOCKS=0: an audit never writes.
  return { ...process.env, GIT_PAGER: 'cat', LC_ALL: 'C', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0' }
}

/** Resolves { code, stdout, stderr } (code null when git could not be started: `error` says why). */
function git(cwd, args) {
  return new Promise((resolve) => {
    execFile(
      'git',
      [...BASE_ARGS, ...args],
      { cwd, env: gitEnv(), maxBuffer: MAX_BUFFER, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') resolve({ code: null, stdout: '', stderr: '', error })
        else resolve({ code: error ? error.code : 0, stdout, stderr })
      },
    )
  })
}

/** NUL-separated paths from a git command, or null when it failed. */
async function gitPaths(cwd, args) {
  const result = await git(cwd, args)
  if (result.code !== 0) return null
  return result.stdout.split('\0').filter((path) => path !== '')
}

/**
 * Streams git's stdout to onLine(line), one line at a time (memory: one line). Resolves
 * { code, stderr } with the first KB of stderr.
 */
function gitLines(cwd, args, onLine) {
  return new Promise((resolve) => {
    const child = spawn('git', [...BASE_ARGS, ...args], { cwd, env: gitEnv(), stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      if (stderr.length < 1024) stderr += chunk.toString('utf8')
    })
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity })
    lines.on('line', onLine)
    let spawnError = null
    child.on('error', (error) => {
      spawnError = error
    })
    child.on('close', (code) => resolve({ code: spawnError ? null : code, stderr, error: spawnError }))
  })
}

/** The first line of git's complaint, short, for a message (it names paths, never file contents). */
function firstLine(text) {
  const line = (text ?? '').split('\n').find((l) => l.trim() !== '') ?? ''
  return line.trim().slice(0, 200)
}

module.exports = { firstLine, git, gitLines, gitPaths }
