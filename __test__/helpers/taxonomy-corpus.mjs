// Measures the default policy on the labelled corpus of public field names
// (__test__/sanitize/corpus/field-names.json): each name alone in an object, through
// sanitizeAttributes and through sanitizeJson, and what became of it. The corpus test checks the
// targets and that the tables of docs/sanitize.md are these tables; `node scripts/taxonomy-table.mjs`
// prints them (`--write` puts them on that page).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { createSanitizer } = require('../../index.js')

export const CORPUS_URL = new URL('../sanitize/corpus/field-names.json', import.meta.url)
/** A second corpus from other sources, which the taxonomy was not tuned on. */
export const HELD_OUT_URL = new URL('../sanitize/corpus/held-out.json', import.meta.url)
/** The page of the manual that shows both tables: the corpus's first, then the held-out one's. */
export const SANITIZE_PAGE_URL = new URL('../../docs/sanitize.md', import.meta.url)

/** The classes and what the default policy must do with each. */
export const EXPECTED_ACTION = {
  credential: 'dropped',
  payment_card: 'dropped',
  government_id: 'dropped',
  bank_account: 'dropped',
  phone: 'hashed',
  ip_address: 'hashed',
  street_address: 'hashed',
  benign: 'kept',
}

// No detector matches it, so what happens to the field is the name's doing alone.
const VALUE = 'corpus-value'

export function loadCorpus(url = CORPUS_URL) {
  return JSON.parse(readFileSync(url, 'utf8'))
}

/** What `output` did with the field `name`: kept (raw), hashed (`<name>_hash`), dropped, or changed. */
export function fate(name, output) {
  const keys = Object.keys(output)
  if (keys.length === 0) return 'dropped'
  if (keys.length === 1 && keys[0] === name) return output[name] === VALUE ? 'kept' : 'changed'
  if (keys.length === 1 && keys[0] === `${name}_hash`) return 'hashed'
  return 'changed'
}

/**
 * Every corpus entry with its fate on both paths and the class the report named (the rule of the
 * change, or null when nothing changed).
 */
export function measure(url = CORPUS_URL, sanitizer = createSanitizer({ limits: 'off' })) {
  return loadCorpus(url).map((entry) => {
    const input = { [entry.name]: VALUE }
    const { attributes, report } = sanitizer.sanitizeWithReport(input)
    const json = JSON.parse(sanitizer.sanitizeJson(JSON.stringify(input)))
    return {
      ...entry,
      objectFate: fate(entry.name, attributes),
      jsonFate: fate(entry.name, json),
      predicted: report.changes.length > 0 ? report.changes[0].rule : null,
      agree: JSON.stringify(attributes) === JSON.stringify(json),
    }
  })
}

/** Per class: names, the right action's rate on each path, and the class agreement (precision). */
export function summarize(results) {
  const rows = []
  for (const [cls, action] of Object.entries(EXPECTED_ACTION)) {
    const labelled = results.filter((r) => r.class === cls)
    const right = (path) => labelled.filter((r) => r[path] === action).length
    const predicted = results.filter((r) => (cls === 'benign' ? r.predicted === null : r.predicted === cls))
    const correct = predicted.filter((r) => r.class === cls).length
    rows.push({
      cls,
      action,
      names: labelled.length,
      objectRate: rate(right('objectFate'), labelled.length),
      jsonRate: rate(right('jsonFate'), labelled.length),
      precision: rate(correct, predicted.length),
      predicted: predicted.length,
    })
  }
  return rows
}

function rate(part, whole) {
  return whole === 0 ? 1 : part / whole
}

export function percent(value) {
  return `${(Math.floor(value * 1000) / 10).toFixed(1)}%`
}

/** The table docs/sanitize.md shows. */
export function table(rows) {
  const lines = [
    '| class | labelled names | default action | right action, `sanitizeAttributes` | right action, `sanitizeJson` | precision (names put in the class that belong there) |',
    '| --- | --- | --- | --- | --- | --- |',
  ]
  for (const row of rows) {
    const action = row.action === 'kept' ? 'kept raw' : row.action
    lines.push(
      `| ${row.cls} | ${row.names} | ${action} | ${percent(row.objectRate)} | ${percent(row.jsonRate)} | ${percent(row.precision)} of ${row.predicted} |`,
    )
  }
  return lines.join('\n')
}
