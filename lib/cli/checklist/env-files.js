'use strict'

// The .env check: no environment file is tracked, none lies in the tree unignored (one
// `git add .` away from a commit), and `.env` itself is covered by an ignore rule.

const { git, gitPaths } = require('./git.js')

// .env, .env.local, .env.production, production.env, .envrc (direnv): files that hold values.
// Templates meant to be committed are left out (a real key in one is found by the secret scans).
const ENV_FILE = /(^|\/)(\.env(\..+)?|[^/]+\.env|\.envrc)$/
const TEMPLATE = /(^|[./])(example|sample|template|dist|defaults|schema)([./]|$)/i

function isEnvFile(path) {
  return ENV_FILE.test(path) && !TEMPLATE.test(path.slice(path.lastIndexOf('/') + 1))
}

async function checkEnvFiles(dir, tracked) {
  const id = 'env-files'
  const title = '.env files ignored by git and none tracked'
  const trackedEnv = tracked.filter(isEnvFile)
  const untracked = await gitPaths(dir, ['ls-files', '-z', '--others', '--exclude-standard', '--', '.'])
  const exposed = (untracked ?? []).filter(isEnvFile)
  // --no-index: ask the ignore rules even when .env is tracked (rules do not apply to tracked files).
  const ignored = await git(dir, ['check-ignore', '-q', '--no-index', '--', '.env'])
  const details = [
    ...trackedEnv.map((file) => `tracked: ${file} (git rm --cached it, add it to .gitignore, and rotate what it held)`),
    ...exposed.map((file) => `not ignored: ${file} (add it to .gitignore before a 'git add .' commits it)`),
  ]
  if (details.length > 0) {
    return {
      id,
      title,
      status: 'fail',
      summary: `${trackedEnv.length} tracked, ${exposed.length} not ignored`,
      details,
    }
  }
  if (ignored.code !== 0) {
    return {
      id,
      title,
      status: 'warn',
      summary: ".env is not matched by any ignore rule: add '.env' and '.env.*' to .gitignore",
      details: [],
    }
  }
  return { id, title, status: 'pass', summary: '.env is ignored and no environment file is tracked', details: [] }
}

module.exports = { checkEnvFiles, isEnvFile }
