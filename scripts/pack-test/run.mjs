// Runs one command, bounded in time, in an environment that does not leak the outer npm run
// (npm test exports npm_config_local_prefix and friends pointing at the repo) into the fresh
// project's npm.

import { spawn } from 'node:child_process'
import { delimiter, dirname } from 'node:path'

const MAX_OUTPUT = 1 << 20

// Children run in their own process group so a timeout also ends what they started (npx starts
// a shell that starts node). Kept here so an interrupted run can end them too.
const running = new Set()

/** Ends every command still running (their process groups), e.g. on SIGINT. */
export function killAll() {
  for (const child of running) killGroup(child)
}

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL')
  } catch {
    // Already gone.
  }
}

// npm settings a developer chose on purpose (where the cache and registry are) are kept; the
// rest of npm_* describes the outer run.
const KEEP_NPM = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_registry'])
const DROP = new Set(['NODE_OPTIONS', 'NODE_PATH', 'NODE_TEST_CONTEXT', 'NODE_CHANNEL_FD'])

/** The environment for a command run by `nodeBin`: that Node first on PATH, so `#!/usr/bin/env node` bins use it. */
export function cleanEnv(nodeBin) {
  const env = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (DROP.has(key)) continue
    if (/^npm_/i.test(key) && !KEEP_NPM.has(key.toLowerCase())) continue
    env[key] = value
  }
  // Under `npm test` PATH starts with the repository's node_modules/.bin, whose `node` is the
  // node22/node24 dev dependency and whose tools would leak into the fresh project.
  const outer = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => dir && !/node_modules[\\/]\.bin$|node-gyp-bin$/.test(dir))
  env.PATH = [dirname(nodeBin), ...outer].join(delimiter)
  env.npm_config_update_notifier = 'false'
  env.npm_config_fund = 'false'
  env.npm_config_audit = 'false'
  return env
}

/**
 * Resolves to { code, signal, stdout, stderr, timedOut }; never rejects for a failing command.
 * `deadline` (ms since epoch) caps `timeoutMs` so the whole run stays bounded.
 */
export function run(command, args, { cwd, env, timeoutMs, deadline }) {
  const budget = Math.min(timeoutMs, deadline - Date.now())
  if (budget <= 0) {
    return Promise.resolve({ code: null, signal: null, stdout: '', stderr: '', timedOut: true, outOfTime: true })
  }
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    running.add(child)
    let stdout = ''
    let stderr = ''
    let timedOut = false
    child.stdout.on('data', (chunk) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk
    })
    const timer = setTimeout(() => {
      timedOut = true
      killGroup(child)
    }, budget)
    child.on('error', (error) => {
      running.delete(child)
      clearTimeout(timer)
      resolve({ code: null, signal: null, stdout, stderr: `${stderr}${error.message}\n`, timedOut })
    })
    child.on('close', (code, signal) => {
      running.delete(child)
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, timedOut })
    })
  })
}

/** The last lines of a command's output, for a FAIL line's evidence. */
export function tail(result, lines = 30) {
  const text = `${result.stdout}${result.stderr}`.trimEnd().split('\n')
  return text.slice(-lines).join('\n')
}

/** Why a finished command counts as failed, or null if it exited 0. */
export function whyFailed(result) {
  if (result.outOfTime) return 'not started: the run is out of time (--time-limit)'
  if (result.timedOut) return 'timed out'
  if (result.signal) return `killed by ${result.signal}`
  if (result.code !== 0) return `exit code ${result.code}`
  return null
}
