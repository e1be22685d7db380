// Runs our sanitizer on the 25-key profile (benchmark case (b)) in a loop, for a CPU profile:
//
//   node --cpu-prof --cpu-prof-dir=/tmp/prof benchmark/profile-sanitize.mjs [iterations] [mode]
//
// mode: `default` (sanitizeAttributes, the default), `bare` (detectors and limits off) or `json`
// (sanitizeJson on the same profile as text). Native frames show up as the JS function that
// called into the addon, so the profile splits time between the JS walk and each native call.

import { createRequire } from 'node:module'

import { profile } from './sanitize-data.mjs'

const require = createRequire(import.meta.url)
const { createSanitizer, sanitizeAttributes } = require('../index.js')

const iterations = Number(process.argv[2] ?? 200_000)
const mode = process.argv[3] ?? 'default'
const input = profile(0)
const text = JSON.stringify(input)
const bare = createSanitizer({ detectors: false, limits: 'off' })
const json = createSanitizer()
const runs = {
  default: () => sanitizeAttributes(input),
  bare: () => bare.sanitize(input),
  json: () => json.sanitizeJson(text),
}
const once = runs[mode]
if (!Number.isInteger(iterations) || iterations < 1 || once === undefined) {
  throw new Error('usage: profile-sanitize.mjs [iterations >= 1] [default|bare|json]')
}

// Keeps a result alive so the loop cannot be optimized away.
let sink
const started = process.hrtime.bigint()
for (let i = 0; i < iterations; i++) sink = once()
const ns = Number(process.hrtime.bigint() - started)
console.log(
  `${mode}: ${iterations} iterations, ${(ns / iterations).toFixed(0)} ns/op, ${Object.keys(sink).length || sink.length} out`,
)
