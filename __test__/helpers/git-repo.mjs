// Temporary git repositories for the audit tests: real `git init` and commits in a temp dir,
// with identity set locally and the user's global and system git config kept out (so a
// signing hook or a template of the machine running the tests cannot change the result).
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile, unlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Environment for git and for the CLI under test: no global/system config, no parent repo. */
export const GIT_ENV = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CEILING_DIRECTORIES: tmpdir(),
}

/** A fresh directory (not a repository yet), removed when the test ends. */
export async function tempTree(t) {
  const dir = await mkdtemp(join(tmpdir(), 'cio-audit-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return {
    dir,
    async write(file, text) {
      await mkdir(dirname(join(dir, file)), { recursive: true })
      await writeFile(join(dir, file), text)
    },
    remove: (file) => unlink(join(dir, file)),
  }
}

/** A fresh repository on branch main with a local identity. */
export async function tempRepo(t) {
  const tree = await tempTree(t)
  const git = async (...args) =>
    (await run('git', args, { cwd: tree.dir, env: { ...process.env, ...GIT_ENV } })).stdout.trim()
  await git('init', '-q', '-b', 'main')
  await git('config', 'user.email', 'audit-test@example.com')
  await git('config', 'user.name', 'Audit Test')
  await git('config', 'commit.gpgsign', 'false')
  return {
    ...tree,
    git,
    /** Stages everything and commits; resolves the new commit's full hash. */
    async commit(message) {
      await git('add', '-A')
      await git('commit', '-q', '-m', message)
      return git('rev-parse', 'HEAD')
    },
  }
}
