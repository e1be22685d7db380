// A generated NDJSON corpus for the bulk tests: PII records (helpers/pii-records.mjs), with
// malformed lines, lines the policy refuses, blank lines and \r\n endings at known places, and
// big enough (several MB) that each piece of input is cut into parts for several threads.
import { createSanitizer } from '../../index.js'
import { piiRecord } from './pii-records.mjs'

/** `count` lines; `{ text, lines, bad }` where `bad` lists the 1-based numbers of failing lines. */
export function bulkCorpus(count) {
  const lines = []
  for (let i = 1; i <= count; i++) {
    if (i % 401 === 0) lines.push(`${JSON.stringify(piiRecord(i)).slice(0, -30)}`)
    else if (i % 977 === 0) lines.push(`${'['.repeat(80)}${']'.repeat(80)}`)
    else if (i % 313 === 0) lines.push(' \t')
    else lines.push(JSON.stringify({ ...piiRecord(i), bio: `é€😀 ${'x'.repeat(i % 700)}` }))
  }
  const text = lines.map((line, index) => line + (index % 5 === 0 ? '\r\n' : '\n')).join('')
  const sanitizer = createSanitizer()
  const bad = []
  const out = []
  lines.forEach((line, index) => {
    if (line.trim() === '') return
    try {
      out.push(sanitizer.sanitizeJson(line))
    } catch (error) {
      bad.push({ line: index + 1, code: error.code })
    }
  })
  return { text, lines, bad, expected: out.map((line) => `${line}\n`).join('') }
}
