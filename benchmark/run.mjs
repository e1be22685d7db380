// Benchmark driver (`npm run bench`): prints the machine, then runs each suite module and prints
// its tables; each suite's results also go to benchmark/results/<suite>.json, which git ignores:
// the tables of docs/benchmarks.md are the record, a run must not rewrite tracked files.
//
//   node benchmark/run.mjs [--only <suite>[,<suite>...]]
//
// A suite module exports `name`, `title` and `async run({ machine })` returning
// `{ lines: string[], json: object }`. Add new suites to SUITES.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = path.dirname(fileURLToPath(import.meta.url))
const ROOT = path.resolve(HERE, '..')

const SUITES = {
  webhook: './webhook.mjs',
  sanitize: './sanitize.mjs',
  bulk: './bulk.mjs',
  erasure: './erasure.mjs',
  load: './load.mjs',
}

function parseArgs(argv) {
  let only = Object.keys(SUITES)
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--only' && argv[i + 1]) {
      only = argv[++i]
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean)
    } else if (argv[i].startsWith('--only=')) {
      only = argv[i].slice('--only='.length).split(',').filter(Boolean)
    } else {
      throw new Error(`usage: node benchmark/run.mjs [--only ${Object.keys(SUITES).join('|')}] (got ${argv[i]})`)
    }
  }
  for (const name of only) {
    if (!(name in SUITES)) throw new Error(`unknown suite '${name}'; known: ${Object.keys(SUITES).join(', ')}`)
  }
  return { only }
}

/** The machine and versions the numbers belong to. No environment variables, no secrets. */
function machine() {
  const cpuinfo = readText('/proc/cpuinfo')
  const cargo = readText(path.join(ROOT, 'Cargo.toml'))
  const pinned = (crate) =>
    new RegExp(`^${crate}\\s*=\\s*(?:\\{[^}]*version\\s*=\\s*)?"([^"]+)"`, 'm').exec(cargo)?.[1] ?? null
  return {
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism?.() ?? os.cpus().length,
    shaNi: /^flags\s*:.*\bsha_ni\b/m.test(cpuinfo),
    platform: `${process.platform}-${process.arch}`,
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    napi: pinned('napi'),
    napiDerive: pinned('napi-derive'),
  }
}

function readText(file) {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

async function main() {
  const { only } = parseArgs(process.argv.slice(2))
  const info = machine()
  console.log(`customerio-security benchmarks, ${new Date().toISOString()}`)
  console.log(`CPU: ${info.cpu}, ${info.cores} cores${info.shaNi ? ', SHA-NI' : ''} (${info.platform})`)
  console.log(
    `Node ${info.node} (V8 ${info.v8}, OpenSSL ${info.openssl}); napi ${info.napi}, napi-derive ${info.napiDerive}`,
  )
  mkdirSync(path.join(HERE, 'results'), { recursive: true })
  for (const name of only) {
    const suite = await import(SUITES[name])
    console.log(`\n== ${suite.title} ==`)
    const started = Date.now()
    const { lines, json } = await suite.run({ machine: info })
    for (const line of lines) console.log(line)
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`)
    const file = path.join(HERE, 'results', `${name}.json`)
    writeFileSync(
      file,
      JSON.stringify({ suite: name, date: new Date().toISOString(), machine: info, ...json }, null, 2) + '\n',
    )
    console.log(`results: ${path.relative(ROOT, file)}`)
  }
}

main().catch((error) => {
  console.error(error)
  process.exitCode = 1
})
