// PII sanitization, ours against the reference (plain JS, createHash per hash field) and a
// tuned plain-JS version of the same rules, on the inputs of benchmark/sanitize-data.mjs. Every
// contender's output is asserted equal to the reference's before timing: the data holds no card-,
// SSN- or IBAN-like string outside never-send keys, since ours also redacts detector matches and
// sanitizes nested values, which the reference does not (on this data, nothing nested needs it).

import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

import { compare, formatTable } from './harness.mjs'
import { referenceSanitize } from '../__test__/helpers/sanitize-reference.mjs'
import { guideExample, ndjson, profile, wide } from './sanitize-data.mjs'
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
}

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
  { id: 'a', label: "(a) the guide's 5-key example", kind: 'object', input: guideExample(), contenders: objectContenders },
  { id: 'b', label: '(b) 25-key profile', kind: 'object', input: profile(0), contenders: objectContenders },
  { id: 'c', label: '(c) 300-key flat object', kind: 'object', input: wide(), contenders: objectContenders },
  { id: 'd', label: '(d) 25-key profile as JSON text', kind: 'json', input: JSON.stringify(profile(0)), contenders: jsonContenders },
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

  const targets = evaluateTargets(cases)
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
      config: { rounds: ROUNDS, minCpuTimeMs: MIN_CPU_TIME_MS, ndjsonRecords: NDJSON_RECORDS, cryptoHash: typeof cryptoHash() },
      cases,
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

function cryptoHash() {
  return require('node:crypto').hash
}

function typeHashNote() {
  return typeof cryptoHash() === 'function' ? "one-shot crypto.hash('sha256')" : 'createHash (no crypto.hash in this Node)'
}

function mitataVersion() {
  return JSON.parse(readFileSync(new URL('../node_modules/mitata/package.json', import.meta.url), 'utf8')).version
}
