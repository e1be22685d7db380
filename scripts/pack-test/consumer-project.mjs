// One fresh project per Node version, outside the repository: npm (run by that Node) installs the
// two release tarballs and Express from the npm cache, then CommonJS, ES module and strict
// TypeScript users of the package serve a signed and a forged delivery, and the CLI runs via npx.

import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import { failure } from './report.mjs'
import { cleanEnv, run, tail, whyFailed } from './run.mjs'

const CONSUMERS = [
  ['cjs', 'consumer.cjs', 'require() from CommonJS'],
  ['esm', 'consumer.mjs', 'import from an ES module'],
]
const COMPILED = [
  ['ts-cjs', join('dist', 'consumer.js'), 'strict TypeScript compiled to CommonJS'],
  ['ts-esm', join('dist', 'consumer-esm.mjs'), 'strict TypeScript compiled to an ES module'],
]

function filesUnder(dir) {
  return readdirSync(dir, { recursive: true }).map(String)
}

/** npm's "npm warn <code> <text>" lines, one entry per code: "code: text text". */
function npmWarnings(stderr) {
  const byCode = new Map()
  for (const line of stderr.split('\n')) {
    const match = /^npm warn (\S+)\s*(.*)$/i.exec(line.trim())
    if (!match) continue
    const [, code, text] = match
    if (!byCode.has(code)) byCode.set(code, [])
    if (text) byCode.get(code).push(text.trim())
  }
  return [...byCode].map(([code, texts]) => `${code}: ${texts.join(' ')}`).join('; ')
}

function lastJsonLine(result) {
  const line = result.stdout.trim().split('\n').at(-1) ?? ''
  try {
    return JSON.parse(line)
  } catch {
    throw failure('printed no JSON result', tail(result))
  }
}

export async function testOnNode(ctx, report, node, tarballs) {
  const group = `node ${node.major}`
  const project = join(ctx.tmp, `app-node${node.major}`)
  mkdirSync(project, { recursive: true })
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'pack-test-consumer', version: '1.0.0', private: true }, null, 2)}\n`,
  )
  cpSync(ctx.consumerDir, project, { recursive: true })
  const env = cleanEnv(node.bin)
  const exec = (args, timeoutMs, extraEnv = {}) =>
    run(node.bin, args, { cwd: project, env: { ...env, ...extraEnv }, timeoutMs, deadline: ctx.deadline })
  const mustSucceed = async (args, what, timeoutMs, extraEnv) => {
    const result = await exec(args, timeoutMs, extraEnv)
    const why = whyFailed(result)
    if (why) throw failure(`${what}: ${why}`, tail(result))
    return result
  }
  const { name, version } = ctx.pkg
  const platformName = `${name}-${ctx.platform}`
  const addonPath = join(realpathSync(project), 'node_modules', platformName, ctx.addon)

  const specs = Object.entries(ctx.deps).map(([dep, v]) => `${dep}@${v}`)
  const installed = await report.step(
    group,
    `npm install (npm on ${node.version}, --engine-strict) of the two tarballs and ${specs.join(' ')}`,
    async () => {
      const args = [
        ctx.npm.npmCli,
        'install',
        '--engine-strict',
        '--no-audit',
        '--no-fund',
        tarballs.root,
        tarballs.platform,
        ...specs,
      ]
      // Offline first: everything should come from the npm cache that `npm install` in the repo
      // filled. A dependency version the repo never installed may be missing; the registry is then
      // asked (a reachable package registry), and the report says so.
      let mode = '--offline'
      let result = await exec([...args, mode], 240_000)
      if (whyFailed(result) && /ENOTCACHED/.test(`${result.stdout}${result.stderr}`)) {
        mode = '--prefer-offline'
        result = await exec([...args, mode], 240_000)
      }
      const why = whyFailed(result)
      if (why) throw failure(`npm install ${mode}: ${why}`, tail(result))
      const warnings = npmWarnings(result.stderr)
      if (warnings) report.warn(group, `npm install warned: ${warnings}`)
      const added = /added (\d+) packages?/.exec(result.stdout)?.[1] ?? '?'
      return `${mode}${mode === '--offline' ? '' : ': some tarballs were not in the npm cache'}; ${added} packages`
    },
  )
  if (!installed) {
    for (const title of [
      'installed layout',
      ...CONSUMERS.map((c) => c[2]),
      'tsc --strict',
      ...COMPILED.map((c) => c[2]),
      'npx',
      'CLI commands',
    ]) {
      report.skipped(group, title, 'npm install failed')
    }
    return
  }

  await report.step(
    group,
    'installed layout: no addon in the root package, the addon in the platform package, a bin link',
    () => {
      const rootDir = join(project, 'node_modules', name)
      const stray = filesUnder(rootDir).filter((file) => file.endsWith('.node'))
      if (stray.length) throw failure(`the root package holds an addon: ${stray.join(', ')}`)
      if (!existsSync(addonPath)) throw failure(`no ${platformName}/${ctx.addon}`)
      if (statSync(addonPath).size !== ctx.addonBytes)
        throw failure('the installed addon differs in size from the built one')
      if (!existsSync(join(project, 'node_modules', '.bin', name))) throw failure(`no node_modules/.bin/${name}`)
      const manifest = JSON.parse(readFileSync(join(rootDir, 'package.json'), 'utf8'))
      if (manifest.optionalDependencies?.[platformName] !== version)
        throw failure(`the root manifest does not list ${platformName}@${version} as optional`)
      return `${platformName}/${ctx.addon}`
    },
  )

  const expected = (format) => ({
    format,
    node: node.version,
    signed: { status: 200, body: { received: ctx.fixture.event.event_id } },
    forged: { status: 401, body: { error: 'SIGNATURE_MISMATCH' } },
    sanitized: ctx.expectedSanitized,
    addon: addonPath,
  })
  const consume = (format, file, title) =>
    report.step(
      group,
      `${format}: ${title}: Express on 127.0.0.1, signed 200, forged 401, sanitizeAttributes`,
      async () => {
        const result = await mustSucceed([file], `node ${file}`, 60_000)
        const got = lastJsonLine(result)
        if (!isDeepStrictEqual(got, expected(format))) {
          throw failure(
            'unexpected result',
            `got:      ${JSON.stringify(got)}\nexpected: ${JSON.stringify(expected(format))}`,
          )
        }
        if (JSON.stringify(got.sanitized).includes(ctx.fixture.attributes.phone))
          throw failure('the raw phone number survived sanitizeAttributes')
        return 'addon loaded from the platform package'
      },
    )

  for (const [format, file, title] of CONSUMERS) await consume(format, file, title)

  const compiled = await report.step(
    group,
    'tsc --strict (nodenext, no skipLibCheck) of consumer.ts and consumer-esm.mts',
    async () => {
      const result = await exec([ctx.tsc, '-p', 'tsconfig.json', '--pretty', 'false', '--listFiles'], 240_000)
      // --listFiles proves the installed package's typings were the ones checked; its lines (absolute
      // paths) are left out of the evidence, which keeps tsc's diagnostics.
      const lines = `${result.stdout}${result.stderr}`.split('\n')
      const diagnostics = lines
        .filter((line) => line.trim() && !line.startsWith('/'))
        .slice(0, 40)
        .join('\n')
      const why = whyFailed(result)
      if (why) throw failure(`tsc: ${why}`, diagnostics)
      const typings = join(realpathSync(project), 'node_modules', name, 'index.d.ts')
      if (!lines.some((line) => line.trim() === typings)) throw failure(`tsc did not read ${typings}`, tail(result))
      return `typings from node_modules/${name}/index.d.ts`
    },
  )
  for (const [format, file, title] of COMPILED) {
    if (compiled) await consume(format, file, title)
    else report.skipped(group, title, 'tsc failed')
  }

  await report.step(group, `npx ${name} --version`, async () => {
    // Offline: a missing bin must fail here, not be fetched from the registry.
    const result = await mustSucceed([ctx.npm.npxCli, name, '--version'], 'npx', 60_000, { npm_config_offline: 'true' })
    if (result.stdout.trim() !== version)
      throw failure(`printed ${JSON.stringify(result.stdout.trim())}, expected ${version}`, tail(result))
    const which = await mustSucceed([ctx.npm.npxCli, '-c', 'node --version'], 'npx -c', 60_000, {
      npm_config_offline: 'true',
    })
    if (which.stdout.trim() !== node.version)
      throw failure(`npx runs bins on ${which.stdout.trim()}, not ${node.version}`)
    return `${version}, bins run on ${node.version}`
  })

  await report.step(group, 'every CLI command loads (<command> --help)', async () => {
    const bin = join('node_modules', '.bin', name)
    const help = await mustSucceed([bin, '--help'], `${name} --help`, 60_000)
    const section = help.stdout.split(/^Commands:\n/m)[1]?.split(/\n\s*\n/)[0] ?? ''
    const commands = section
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0])
      .filter(Boolean)
    if (commands.length === 0) throw failure('--help lists no commands', tail(help))
    for (const command of commands) {
      const result = await mustSucceed([bin, command, '--help'], `${name} ${command} --help`, 60_000)
      if (result.stdout.trim() === '') throw failure(`${command} --help printed nothing`)
    }
    return commands.join(', ')
  })
}
