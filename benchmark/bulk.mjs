// Bulk sanitization: the CLI (`customerio-security sanitize FILE`, default options: one thread per
// CPU, the summary on) against the single-thread in-process loop of `sanitizeJson` per line, on
// the same file in the same run; the scaling with --jobs 1..N; gzip in and out; and peak RSS for
// a 1 GB file and for 50 MB and 300 MB single lines. The files are generated in a temp dir and
// removed at the end (never committed). Every output is checked against the loop's before any
// number is reported.
//
// Throughput is the input's size over the wall time of the whole process (Node start included),
// median of ROUNDS runs. Peak RSS is VmHWM from /proc/self/status, written at exit by
// __test__/helpers/peak-rss.cjs preloaded into the CLI's process.

import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import {
  closeSync,
  createReadStream,
  createWriteStream,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createGzip } from 'node:zlib'
import { pipeline } from 'node:stream/promises'

import { formatTable, median } from './harness.mjs'
import { profile } from './sanitize-data.mjs'

const require = createRequire(import.meta.url)
const { createSanitizer } = require('../index.js')

const HERE = path.dirname(fileURLToPath(import.meta.url))
const BIN = path.join(HERE, '..', 'bin', 'customerio-security.js')
const PEAK_RSS = path.join(HERE, '..', '__test__', 'helpers', 'peak-rss.cjs')

export const name = 'bulk'
export const title = 'Bulk sanitization: the CLI on every core vs a sanitizeJson loop in one thread'

const ROUNDS = 3
const THROUGHPUT_MB = 200
const BIG_MB = 1024
const LONG_LINES_MB = [50, 300]
const TARGET = 1.5 // the CLI at least 1.5x the loop's throughput with 2 cores

/** NDJSON of 25-attribute profiles (benchmark/sanitize-data.mjs) up to `megabytes`. */
function writeProfiles(file, megabytes) {
  const fd = openSync(file, 'w')
  let size = 0
  for (let i = 0; size < megabytes * 1e6; ) {
    let block = ''
    for (let k = 0; k < 2000; k++) block += `${JSON.stringify(profile(i++))}\n`
    size += writeSync(fd, block)
  }
  closeSync(fd)
  return size
}

/** One line of about `megabytes` MB: an object of phone, ssn and note fields (hashed, dropped, redacted). */
function writeLongLine(file, megabytes) {
  const fd = openSync(file, 'w')
  let size = writeSync(fd, '{')
  for (let i = 0; size < megabytes * 1e6; ) {
    let block = ''
    for (let k = 0; k < 2000; k++, i++) {
      block += `"phone_${i}":"+1555${String(i % 1e7).padStart(7, '0')}","ssn_${i}":"078-05-1120","note_${i}":"card 4111 1111 1111 1111",`
    }
    size += writeSync(fd, block)
  }
  size += writeSync(fd, '"end":1}\n')
  closeSync(fd)
  return size
}

/** The in-process reference: one thread, sanitizeJson on each line. */
function loop(file) {
  const sanitizer = createSanitizer()
  const text = readFileSync(file)
  const out = []
  const started = performance.now()
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf(10, start)
    if (end === -1) end = text.length
    out.push(sanitizer.sanitizeJson(text.subarray(start, end)))
    start = end + 1
  }
  const seconds = (performance.now() - started) / 1000
  // Hashed after the clock stops: the loop's own work is the reference, not the checking.
  const hash = createHash('sha256')
  for (const line of out) hash.update(line).update('\n')
  return { seconds, digest: hash.digest('hex') }
}

/**
 * Runs the CLI with stdout to `stdout` (a file descriptor: /dev/null for timed runs, so no reader
 * competes for the 2 cores); resolves wall seconds, peak RSS (bytes) and the exit code.
 */
function cli(args, dir, stdout) {
  const peakFile = path.join(dir, `peak-${Math.random().toString(36).slice(2)}`)
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn(process.execPath, ['--require', PEAK_RSS, BIN, 'sanitize', ...args], {
      env: { ...process.env, PEAK_RSS_FILE: peakFile },
      stdio: ['ignore', stdout, 'pipe'],
    })
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000
      let peak = null
      try {
        peak = Number(readFileSync(peakFile, 'utf8')) * 1024
      } catch {}
      resolve({ code, seconds, peak, stderr })
    })
  })
}

function digestOf(file) {
  return createHash('sha256').update(readFileSync(file)).digest('hex')
}

/** One checked run (its output against the loop's), then ROUNDS timed runs to /dev/null. */
async function medianRun(args, dir, expectDigest) {
  if (expectDigest !== undefined) {
    const outFile = path.join(dir, 'check.out')
    const fd = openSync(outFile, 'w')
    const checked = await cli(args, dir, fd)
    closeSync(fd)
    assert.equal(checked.code, 0, checked.stderr.slice(0, 500))
    assert.equal(digestOf(outFile), expectDigest, `sanitize ${args.join(' ')}: output differs from the loop`)
    rmSync(outFile)
  }
  const devNull = openSync('/dev/null', 'w')
  const runs = []
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const run = await cli(args, dir, devNull)
      assert.equal(run.code, 0, run.stderr.slice(0, 500))
      runs.push(run)
    }
  } finally {
    closeSync(devNull)
  }
  return { seconds: median(runs.map((r) => r.seconds)), peak: Math.max(...runs.map((r) => r.peak ?? 0)) }
}

/** A single run with -o /dev/null, for its peak RSS. */
function once(args, dir) {
  return cli(['-o', '/dev/null', ...args], dir, 'ignore')
}

const mbps = (bytes, seconds) => Math.round(bytes / 1e6 / seconds)
const mb = (bytes) => `${Math.round(bytes / 1e6)} MB`

export async function run({ machine }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cio-bulk-bench-'))
  const lines = []
  const json = { machine, throughput: {}, scaling: [], memory: [] }
  try {
    const file = path.join(dir, 'profiles.ndjson')
    const size = writeProfiles(file, THROUGHPUT_MB)
    const loops = [loop(file), loop(file), loop(file)]
    const reference = loops[0].digest
    const loopSeconds = median(loops.map((l) => l.seconds))
    const loopRate = mbps(size, loopSeconds)

    const defaults = await medianRun([file], dir, reference)
    const quiet = await medianRun(['--quiet', file], dir, reference)
    const cores = machine.cores
    const scaling = []
    for (let jobs = 1; jobs <= cores; jobs++)
      scaling.push({ jobs, ...(await medianRun(['--jobs', String(jobs), file], dir, reference)) })

    const gz = path.join(dir, 'profiles.ndjson.gz')
    await pipeline(createReadStream(file), createGzip(), createWriteStream(gz))
    const gzipIn = await medianRun([gz], dir, reference)
    const gzipBoth = await medianRun(['-o', path.join(dir, 'out.ndjson.gz'), gz], dir)

    const ratio = (seconds) => (loopSeconds / seconds).toFixed(2)
    lines.push(
      `NDJSON of 25-attribute profiles, ${mb(size)}; throughput = input size / wall time (Node start included), median of ${ROUNDS}`,
    )
    lines.push(
      ...formatTable(
        ['contender', 'MB/s', 'vs loop'],
        [
          ['sanitizeJson per line, one thread, in process (reference)', loopRate, '1.00x'],
          [
            `CLI, default options (--jobs ${cores}, summary on)`,
            mbps(size, defaults.seconds),
            `${ratio(defaults.seconds)}x`,
          ],
          ['CLI --quiet', mbps(size, quiet.seconds), `${ratio(quiet.seconds)}x`],
          ...scaling.map(({ jobs, seconds }) => [`CLI --jobs ${jobs}`, mbps(size, seconds), `${ratio(seconds)}x`]),
          [
            `CLI, gzip input (${mb(statSync(gz).size)} compressed)`,
            mbps(size, gzipIn.seconds),
            `${ratio(gzipIn.seconds)}x`,
          ],
          ['CLI, gzip input and -o FILE.gz', mbps(size, gzipBoth.seconds), `${ratio(gzipBoth.seconds)}x`],
        ],
      ),
    )
    const defaultRatio = loopSeconds / defaults.seconds
    lines.push(
      `target: the CLI with default options >= ${TARGET}x the loop on 2 cores: ${defaultRatio.toFixed(2)}x ${defaultRatio >= TARGET ? 'met' : 'NOT met'}`,
    )
    json.throughput = {
      sizeBytes: size,
      loopMBps: loopRate,
      defaultMBps: mbps(size, defaults.seconds),
      quietMBps: mbps(size, quiet.seconds),
      gzipInMBps: mbps(size, gzipIn.seconds),
      gzipBothMBps: mbps(size, gzipBoth.seconds),
      ratio: defaultRatio,
    }
    json.scaling = scaling.map(({ jobs, seconds }) => ({ jobs, MBps: mbps(size, seconds) }))
    rmSync(gz)

    // Peak memory: a tiny run for Node's own footprint, the 1 GB file, and single long lines.
    const tiny = path.join(dir, 'tiny.ndjson')
    writeFileSync(tiny, `${JSON.stringify(profile(0))}\n`)
    const memory = []
    const base = await once([tiny], dir)
    memory.push(['one record (Node and the addon alone)', '< 1 KB', mb(base.peak), ''])
    const big = path.join(dir, 'big.ndjson')
    const bigSize = writeProfiles(big, BIG_MB)
    const bigRun = await once([big], dir)
    assert.equal(bigRun.code, 0)
    memory.push([`${mb(bigSize)} file of profiles`, '< 1 KB', mb(bigRun.peak), `${mbps(bigSize, bigRun.seconds)} MB/s`])
    rmSync(big)
    json.memory.push({ input: 'file', bytes: bigSize, peakBytes: bigRun.peak })
    for (const megabytes of LONG_LINES_MB) {
      const long = path.join(dir, `line-${megabytes}.ndjson`)
      const longSize = writeLongLine(long, megabytes)
      const longRun = await once([long], dir)
      assert.equal(longRun.code, 0, longRun.stderr.slice(0, 500))
      const factor = ((longRun.peak - base.peak) / longSize).toFixed(1)
      memory.push([
        `one line of ${mb(longSize)}`,
        mb(longSize),
        mb(longRun.peak),
        `${factor}x the line above the baseline`,
      ])
      json.memory.push({ input: 'line', bytes: longSize, peakBytes: longRun.peak })
      rmSync(long)
    }
    lines.push('')
    lines.push('Peak RSS of the CLI (VmHWM), default options, output to /dev/null')
    lines.push(...formatTable(['input', 'longest line', 'peak RSS', ''], memory))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return { lines, json }
}
