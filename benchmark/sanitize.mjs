// PII sanitization, ours against the reference (plain JS, createHash per hash field) and a
// tuned plain-JS version of the same rules, on the inputs of benchmark/sanitize-data.mjs. Every
// contender's output is asserted equal to the reference's before timing: the data holds no card-,
// SSN- or IBAN-like string outside never-send keys, since ours also redacts detector matches and
// sanitizes nested values, which the reference does not (on this data, nothing nested needs it).
// Case (f) is hostile input instead: a ~1 MiB attribute name, timed against a plain JSON round trip
// of the same input on both paths (see hostileCases).

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import { compare, formatTable, median } from './harness.mjs'
import { referenceSanitize } from '../__test__/helpers/sanitize-reference.mjs'
import { guideExample, hugeWordKey, ndjson, profile, wide } from './sanitize-data.mjs'
import { tunedSanitize } from './tuned-sanitize.mjs'

const require = createRequire(import.meta.url)
const { createSanitizer, sanitizeAttributes } = require('../index.js')

export const name = 'sanitize'
export const title = 'PII sanitization (default policy vs the issue reference in plain JS)'

const ROUNDS = 7
const MIN_CPU_TIME_MS = 120
const NDJSON_RECORDS = 1000

const REFERENCE = 'reference (issue, createHash)'
const TUNED = 'tuned JS'
const OURS = 'ours sanitizeAttributes'
const OURS_BARE = 'ours, detectors+limits off'
const REFERENCE_JSON = 'parse + reference + stringify'
const TUNED_JSON = 'parse + tuned JS + stringify'
const OURS_JSON = 'ours sanitizeJson'
const OURS_JSON_BARE = 'ours sanitizeJson, detectors+limits off'
const OURS_NDJSON = 'ours sanitizeNdjson (one call)'

const TARGETS = {
  objectSmall: 0.6, // sanitizeAttributes at most 0.6x the reference at 5 and 25 keys
  objectWide: 1.0, // and at most 1.0x at 300 keys
  json: 0.25, // sanitizeJson at most 0.25x of JSON.parse + reference + JSON.stringify
  hostile: 50, // a 1 MiB attribute name: at most 50x a JSON round trip of the same input
}

// The hostile-size case: one attribute whose name is ~1 MiB of words. Its calls take milliseconds
// (seconds while the key classifier is superlinear), too slow for mitata's batches and minimum
// sample counts, so each contender is timed call by call: at least one call, then more until
// HOSTILE_BUDGET_MS is spent or HOSTILE_MAX_CALLS are made; the median call is reported.
const HOSTILE_BUDGET_MS = 2000
const HOSTILE_MAX_CALLS = 15
const HOSTILE_ENDINGS = ['xsn', 'ssn']

const defaultSanitizer = createSanitizer()
const bare = createSanitizer({ detectors: false, limits: 'off' })

function objectContenders(input) {
  return [
    { name: REFERENCE, run: () => referenceSanitize(input) },
    { name: TUNED, run: () => tunedSanitize(input) },
    { name: OURS, run: () => sanitizeAttributes(input) },
    { name: OURS_BARE, run: () => bare.sanitize(input) },
  ]
}

function jsonContenders(text) {
  return [
    { name: REFERENCE_JSON, run: () => JSON.stringify(referenceSanitize(JSON.parse(text))) },
    { name: TUNED_JSON, run: () => JSON.stringify(tunedSanitize(JSON.parse(text))) },
    { name: OURS_JSON, run: () => defaultSanitizer.sanitizeJson(text) },
    { name: OURS_JSON_BARE, run: () => bare.sanitizeJson(text) },
  ]
}

/** Line by line: each record is one call (the references have no other way). */
function perLine(text, sanitizeLine) {
  const lines = text.split('\n')
  let out = ''
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== '') out += sanitizeLine(lines[i]) + '\n'
  }
  return out
}

function ndjsonContenders(text) {
  const viaReference = (line) => JSON.stringify(referenceSanitize(JSON.parse(line)))
  const viaTuned = (line) => JSON.stringify(tunedSanitize(JSON.parse(line)))
  const viaOurs = (line) => defaultSanitizer.sanitizeJson(line)
  const viaBare = (line) => bare.sanitizeJson(line)
  return [
    { name: REFERENCE_JSON, run: () => perLine(text, viaReference) },
    { name: TUNED_JSON, run: () => perLine(text, viaTuned) },
    { name: OURS_JSON, run: () => perLine(text, viaOurs) },
    { name: OURS_JSON_BARE, run: () => perLine(text, viaBare) },
    // The bulk API, for information (no target): one native call saves the calls per line, but
    // reading and making a string of the whole export costs about as much as they did.
    { name: OURS_NDJSON, run: () => defaultSanitizer.sanitizeNdjson(text).ndjson },
  ]
}

const CASES = [
  {
    id: 'a',
    label: "(a) the guide's 5-key example",
    kind: 'object',
    input: guideExample(),
    contenders: objectContenders,
  },
  { id: 'b', label: '(b) 25-key profile', kind: 'object', input: profile(0), contenders: objectContenders },
  { id: 'c', label: '(c) 300-key flat object', kind: 'object', input: wide(), contenders: objectContenders },
  {
    id: 'd',
    label: '(d) 25-key profile as JSON text',
    kind: 'json',
    input: JSON.stringify(profile(0)),
    contenders: jsonContenders,
  },
  {
    id: 'e',
    label: `(e) ${NDJSON_RECORDS}-record NDJSON: per line, and ours also in one sanitizeNdjson call`,
    kind: 'json',
    input: ndjson(NDJSON_RECORDS),
    contenders: ndjsonContenders,
  },
]

/** Same output as the reference: deep-equal objects, or identical text for the JSON cases. */
function check(kase, list) {
  const expected = list.find((c) => c.name === REFERENCE || c.name === REFERENCE_JSON).run()
  for (const contender of list) {
    const actual = contender.run()
    assert.deepStrictEqual(actual, expected, `${kase.label}: ${contender.name} equals the reference`)
    if (kase.kind === 'object') {
      assert.deepEqual(Object.keys(actual), Object.keys(expected), `${kase.label}: ${contender.name} keeps key order`)
    }
  }
}

export async function run() {
  const lines = []
  const cases = []
  for (const kase of CASES) {
    const list = kase.contenders(kase.input)
    check(kase, list)
    const bytes = kase.kind === 'json' ? Buffer.byteLength(kase.input) : null
    const timed = await compare(
      list.map((c) => ({ name: c.name, fn: c.run })),
      { rounds: ROUNDS, minCpuTimeMs: MIN_CPU_TIME_MS },
    )
    const reference = timed.get(list[0].name).nsPerOp
    const rows = list.map((c) => {
      const { nsPerOp, rounds } = timed.get(c.name)
      return {
        name: c.name,
        nsPerOp,
        ratioToReference: nsPerOp / reference,
        MBps: bytes === null ? null : (bytes / nsPerOp) * 1e3,
        spread: (Math.max(...rounds) - Math.min(...rounds)) / nsPerOp,
        roundsNs: rounds,
      }
    })
    const keys = kase.kind === 'object' ? Object.keys(kase.input).length : null
    cases.push({ id: kase.id, label: kase.label, keys, bytes, contenders: rows })
    lines.push('', bytes === null ? `${kase.label}` : `${kase.label} (${bytes.toLocaleString('en-US')} bytes)`)
    const header = ['contender', 'ns/op', 'vs reference', ...(bytes === null ? [] : ['MB/s']), 'spread']
    lines.push(
      ...formatTable(
        header,
        rows.map((r) => [
          r.name,
          Math.round(r.nsPerOp).toLocaleString('en-US'),
          `${r.ratioToReference.toFixed(2)}x`,
          ...(bytes === null ? [] : [r.MBps.toFixed(1)]),
          `±${((r.spread * 100) / 2).toFixed(1)}%`,
        ]),
      ),
    )
  }

  const hostile = hostileCases()
  lines.push(...hostile.lines)
  const manyNames = manyLongNames()
  lines.push(...manyNames.lines)
  const targets = [...evaluateTargets(cases), ...hostile.targets, ...manyNames.targets]
  lines.push(
    '',
    'ns/op: median over rounds of the median sample (mitata). MB/s: 1e6 input bytes/s. spread: half the',
    `range of the ${ROUNDS} round medians. Contender order rotates each round; all run in this Node ${process.version} process.`,
    `reference: the issue's rules as a guide writes them (toLowerCase per key, createHash per field).`,
    `tuned JS: the same rules with a per-key decision cache and ${typeHashNote()}.`,
    'ours: the default policy (key variants, nested values, detectors, limits report); the second row',
    "is createSanitizer({ detectors: false, limits: 'off' }), to show what detectors and limits cost.",
    'Every output was asserted equal to the reference before timing; the data has no card/SSN/IBAN-like',
    'value outside never-send keys, since ours would redact those and the reference would not.',
    `mitata ${mitataVersion()}.`,
    '',
    'Targets from the issue (informational):',
    ...targets.map((t) => `  ${t.pass ? 'PASS' : 'FAIL'}  ${t.text}`),
  )
  return {
    lines,
    json: {
      config: {
        rounds: ROUNDS,
        minCpuTimeMs: MIN_CPU_TIME_MS,
        ndjsonRecords: NDJSON_RECORDS,
        cryptoHash: typeof cryptoHash(),
        hostileBudgetMs: HOSTILE_BUDGET_MS,
        hostileMaxCalls: HOSTILE_MAX_CALLS,
      },
      cases,
      hostile: hostile.rows,
      manyLongNames: manyNames.rows,
      targets,
    },
  }
}

function evaluateTargets(cases) {
  const ratio = (id, who) => cases.find((c) => c.id === id).contenders.find((r) => r.name === who).ratioToReference
  const out = []
  const add = (id, who, limit, what, against) => {
    const value = ratio(id, who)
    out.push({
      target: `ratio<=${limit}@${id}`,
      contender: who,
      value,
      pass: value <= limit,
      text: `${what}: ${who} at ${value.toFixed(2)}x ${against} (target <= ${limit}x)`,
    })
  }
  add('a', OURS, TARGETS.objectSmall, '5 keys', 'the reference')
  add('b', OURS, TARGETS.objectSmall, '25 keys', 'the reference')
  add('c', OURS, TARGETS.objectWide, '300 keys', 'the reference')
  add('d', OURS_JSON, TARGETS.json, '25-key JSON', 'parse+reference+stringify')
  add('e', OURS_JSON, TARGETS.json, 'NDJSON', 'parse+reference+stringify per line')
  return out
}

/**
 * (f) A ~1 MiB attribute name of words, ending 'xsn' (kept) or 'ssn' (`…_ssn`, dropped), on both
 * paths: sanitizeAttributes(obj) against JSON.parse(JSON.stringify(obj)), and sanitizeJson(text)
 * against JSON.stringify(JSON.parse(text)). Every call classifies the name afresh: names over 256
 * characters are never cached (a hostile stream would send a new one each time anyway).
 */
function hostileCases() {
  const rows = []
  for (const ending of HOSTILE_ENDINGS) {
    const key = hugeWordKey(ending)
    const obj = { [key]: 'value' }
    const text = JSON.stringify(obj)
    const dropped = ending === 'ssn'
    const pairs = [
      {
        path: 'object',
        roundTripName: 'JSON.parse(JSON.stringify(obj))',
        oursName: OURS,
        roundTrip: () => JSON.parse(JSON.stringify(obj)),
        ours: () => sanitizeAttributes(obj),
        check: (ours, roundTrip) => assert.deepStrictEqual(ours, dropped ? {} : roundTrip),
      },
      {
        path: 'JSON text',
        roundTripName: 'JSON.stringify(JSON.parse(text))',
        oursName: OURS_JSON,
        roundTrip: () => JSON.stringify(JSON.parse(text)),
        ours: () => defaultSanitizer.sanitizeJson(text),
        check: (ours, roundTrip) => assert.equal(ours, dropped ? '{}' : roundTrip),
      },
    ]
    for (const pair of pairs) {
      const roundTrip = timeCalls(pair.roundTrip)
      const ours = timeCalls(pair.ours)
      pair.check(ours.result, roundTrip.result)
      rows.push({
        id: `f-${ending}-${pair.path === 'object' ? 'object' : 'json'}`,
        ending,
        keyBytes: Buffer.byteLength(key),
        path: pair.path,
        roundTrip: { name: pair.roundTripName, msPerOp: roundTrip.msPerOp, callsMs: roundTrip.callsMs },
        ours: { name: pair.oursName, msPerOp: ours.msPerOp, callsMs: ours.callsMs },
        ratio: ours.msPerOp / roundTrip.msPerOp,
      })
    }
  }
  const keyBytes = rows[0].keyBytes.toLocaleString('en-US')
  const lines = [
    '',
    `(f) one attribute named by ${keyBytes} bytes of words ('a_' repeated, then 'xsn'; or then 'ssn', a name ending in _ssn)`,
    ...formatTable(
      ['name ends', 'path', 'round trip ms', 'ours ms', 'ours vs round trip', 'calls (round trip/ours)'],
      rows.map((r) => [
        r.ending === 'ssn' ? '_ssn (dropped)' : '_xsn (kept)',
        r.path,
        r.roundTrip.msPerOp.toFixed(2),
        r.ours.msPerOp.toFixed(2),
        `${r.ratio.toFixed(1)}x`,
        `${r.roundTrip.callsMs.length}/${r.ours.callsMs.length}`,
      ]),
    ),
    `round trip: JSON.parse(JSON.stringify(obj)) for the object path, JSON.stringify(JSON.parse(text)) for JSON text;`,
    `ours: sanitizeAttributes(obj), sanitizeJson(text) (default policy). Timed call by call (at least one call, then up`,
    `to ${HOSTILE_MAX_CALLS} within ${HOSTILE_BUDGET_MS / 1000} s), median call; outputs checked first (the _ssn name dropped, the other kept).`,
  ]
  const targets = rows.map((r) => ({
    target: `ratio<=${TARGETS.hostile}@${r.id}`,
    contender: r.ours.name,
    value: r.ratio,
    pass: r.ratio <= TARGETS.hostile,
    text: `1 MiB name ending _${r.ending}, ${r.path}: ${r.ours.name} at ${r.ratio.toFixed(1)}x ${r.roundTrip.name} (target <= ${TARGETS.hostile}x)`,
  }))
  return { lines, rows, targets }
}

/**
 * (g) Many distinct long names at once: 4,096 run-together names of about 128 bytes, each made of
 * known words and ending in one (`customerhomebillingphone...`), so every one takes the classifier's
 * slowest path (the split of a run-together word), and none is cached (too long). The same target.
 */
function manyLongNames() {
  const words = ['customer', 'billing', 'home', 'work', 'user', 'account', 'contact', 'primary', 'mobile', 'secondary']
  const obj = {}
  for (let i = 0; i < 4096; i++) {
    let name = ''
    for (let n = i; name.length < 118; n = Math.floor(n / 10) + name.length) name += words[n % words.length]
    obj[`${name}${i.toString(36)}phone`] = 'value'
  }
  const text = JSON.stringify(obj)
  const rows = []
  const pairs = [
    ['object', () => JSON.parse(JSON.stringify(obj)), () => sanitizeAttributes(obj)],
    ['JSON text', () => JSON.stringify(JSON.parse(text)), () => defaultSanitizer.sanitizeJson(text)],
  ]
  for (const [path, roundTripFn, oursFn] of pairs) {
    const roundTrip = timeCalls(roundTripFn)
    const ours = timeCalls(oursFn)
    rows.push({
      id: `g-${path === 'object' ? 'object' : 'json'}`,
      path,
      roundTripMs: roundTrip.msPerOp,
      oursMs: ours.msPerOp,
      ratio: ours.msPerOp / roundTrip.msPerOp,
    })
  }
  const lines = [
    '',
    `(g) one object of 4,096 distinct run-together names of about 128 bytes (${text.length.toLocaleString('en-US')} bytes of JSON)`,
    ...formatTable(
      ['path', 'round trip ms', 'ours ms', 'ours vs round trip'],
      rows.map((r) => [r.path, r.roundTripMs.toFixed(2), r.oursMs.toFixed(2), `${r.ratio.toFixed(1)}x`]),
    ),
  ]
  const targets = rows.map((r) => ({
    target: `ratio<=${TARGETS.hostile}@${r.id}`,
    contender: r.path === 'object' ? OURS : OURS_JSON,
    value: r.ratio,
    pass: r.ratio <= TARGETS.hostile,
    text: `4,096 long run-together names, ${r.path}: ours at ${r.ratio.toFixed(1)}x the round trip (target <= ${TARGETS.hostile}x)`,
  }))
  return { lines, rows, targets }
}

/** Calls `fn` one at a time: at least once, then until the budget or the call cap is reached. */
function timeCalls(fn) {
  const callsMs = []
  let spent = 0
  let result
  while (callsMs.length === 0 || (spent < HOSTILE_BUDGET_MS && callsMs.length < HOSTILE_MAX_CALLS)) {
    const started = process.hrtime.bigint()
    result = fn()
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    callsMs.push(ms)
    spent += ms
  }
  return { msPerOp: median(callsMs), callsMs, result }
}

function cryptoHash() {
  return require('node:crypto').hash
}

function typeHashNote() {
  return typeof cryptoHash() === 'function'
    ? "one-shot crypto.hash('sha256')"
    : 'createHash (no crypto.hash in this Node)'
}

function mitataVersion() {
  return JSON.parse(readFileSync(new URL('../node_modules/mitata/package.json', import.meta.url), 'utf8')).version
}
