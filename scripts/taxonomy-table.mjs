// Prints the default policy's recall and precision on the labelled corpus of public field names,
// as the table of docs/sanitize.md, and the names it gets wrong. The corpus test checks that page
// holds exactly this table (and the held-out corpus's, second).
//
//   node scripts/taxonomy-table.mjs [--held-out]   print one corpus's table and its misses
//   node scripts/taxonomy-table.mjs --write        put both tables on docs/sanitize.md
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import {
  CORPUS_URL,
  EXPECTED_ACTION,
  HELD_OUT_URL,
  SANITIZE_PAGE_URL,
  measure,
  summarize,
  table,
} from '../__test__/helpers/taxonomy-corpus.mjs'

for (const url of [CORPUS_URL, HELD_OUT_URL]) if (!existsSync(url)) throw new Error(`no corpus at ${url.pathname}`)

if (process.argv.includes('--write')) {
  write()
} else {
  // `--held-out`: the second corpus, from sources the taxonomy was not tuned on.
  const results = measure(process.argv.includes('--held-out') ? HELD_OUT_URL : CORPUS_URL)
  console.log(table(summarize(results)))
  const wrong = results.filter((r) => r.objectFate !== expected(r) || r.jsonFate !== expected(r))
  if (wrong.length > 0) {
    console.log(`\n${wrong.length} names handled otherwise than labelled:`)
    for (const r of wrong) console.log(`  ${r.class.padEnd(15)} ${r.objectFate.padEnd(8)} ${r.name}  (${r.source})`)
  }
}

/** Replaces the page's two tables (each found by the header line) with the measured ones, in order. */
function write() {
  const tables = [CORPUS_URL, HELD_OUT_URL].map((url) => table(summarize(measure(url))))
  const header = tables[0].split('\n')[0]
  const lines = readFileSync(SANITIZE_PAGE_URL, 'utf8').split('\n')
  const out = []
  let found = 0
  for (let i = 0; i < lines.length; i++) {
    if (lines[i] !== header) {
      out.push(lines[i])
      continue
    }
    if (found === tables.length) throw new Error('docs/sanitize.md has more corpus tables than corpora')
    out.push(tables[found])
    found += 1
    while (i + 1 < lines.length && lines[i + 1].startsWith('|')) i++
  }
  if (found !== tables.length) throw new Error(`docs/sanitize.md has ${found} corpus tables, expected ${tables.length}`)
  writeFileSync(SANITIZE_PAGE_URL, out.join('\n'))
  console.log('docs/sanitize.md: both corpus tables written')
}

function expected(r) {
  return EXPECTED_ACTION[r.class]
}
