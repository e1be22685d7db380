// Prints the default policy's recall and precision on the labelled corpus of public field names,
// as the README's table, and the names it gets wrong. The corpus test checks the README holds
// exactly this table.
import { existsSync } from 'node:fs'
import { CORPUS_URL, HELD_OUT_URL, measure, summarize, table } from '../__test__/helpers/taxonomy-corpus.mjs'

// `--held-out`: the second corpus, from sources the taxonomy was not tuned on.
const url = process.argv.includes('--held-out') ? HELD_OUT_URL : CORPUS_URL
if (!existsSync(url)) throw new Error(`no corpus at ${url.pathname}`)
const results = measure(url)
console.log(table(summarize(results)))
const wrong = results.filter((r) => r.objectFate !== expected(r) || r.jsonFate !== expected(r))
if (wrong.length > 0) {
  console.log(`\n${wrong.length} names handled otherwise than labelled:`)
  for (const r of wrong) console.log(`  ${r.class.padEnd(15)} ${r.objectFate.padEnd(8)} ${r.name}  (${r.source})`)
}

function expected(r) {
  return {
    credential: 'dropped',
    payment_card: 'dropped',
    government_id: 'dropped',
    bank_account: 'dropped',
    phone: 'hashed',
    ip_address: 'hashed',
    street_address: 'hashed',
    benign: 'kept',
  }[r.class]
}
