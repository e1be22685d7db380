// The HTML summary opened in a real headless browser (Debian's chromium, when installed): the
// attributes are shown as text, hostile values included, and nothing ran: no script element,
// the page's title unchanged, no handler attribute. Then printed to PDF, as a privacy team would.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { startFakeAppApi } from '../helpers/fake-app-api.mjs'
import { FAST, appClient, tempDir } from '../helpers/app-api.mjs'
import { SKIP_NODE20 } from '../helpers/erasure.mjs'

const require = createRequire(import.meta.url)
const { exportPerson } = require('../../index.js')

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((path) =>
  existsSync(path),
)
const SKIP = SKIP_NODE20 || (CHROMIUM === undefined ? 'no chromium installed (apt-get install -y chromium)' : false)

const HOSTILE = {
  script: '<script>document.title="pwned"</script>',
  img: '<img src=x onerror="document.title=\'pwned\'">',
  quote: '"><svg onload=alert(1)>',
  amp: 'Tom & Jerry <tom@example.com>',
}

function chromium(args) {
  const result = spawnSync(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', ...args], {
    encoding: 'utf8',
    timeout: 60_000,
  })
  assert.equal(result.error, undefined, String(result.error))
  return result
}

test('chromium shows the attributes as text and runs nothing; the page prints to PDF', {
  skip: SKIP,
  timeout: 120_000,
}, async (t) => {
  const api = await startFakeAppApi()
  t.after(() => api.close())
  api.addPerson({
    id: 'p~1',
    email: 'ann@example.com',
    attributes: { first_name: 'Ann', plan: 'pro', ...HOSTILE },
    segments: [{ id: 1, name: '<b>VIP</b>' }],
    deliveries: 3,
    activities: [
      {
        id: 'a1',
        type: 'event',
        name: '<script>x()</script>',
        timestamp: 1_700_000_000,
        data: { k: '</td><script>y()</script>' },
      },
    ],
  })
  const out = await tempDir(t)
  const { htmlPath } = await exportPerson(appClient(api), { id: 'p~1' }, { out, ...FAST })
  const dom = chromium(['--dump-dom', `file://${htmlPath}`])
  assert.equal(dom.status, 0, dom.stderr)
  const html = dom.stdout
  // The DOM after load: no script element, no element with an event handler, the title as written.
  assert.doesNotMatch(html, /<script/i)
  assert.doesNotMatch(html, /<(img|svg)\b/i)
  assert.doesNotMatch(html, /<[^>]*\son(error|load)=/i)
  assert.match(html, /<title>Customer\.io data export<\/title>/)
  // The attributes are there, as text (serialized back escaped, as the browser read them).
  assert.match(html, /<th>first_name<\/th><td>Ann<\/td>/)
  assert.match(html, /<th>plan<\/th><td>pro<\/td>/)
  const escaped = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  for (const [name, value] of Object.entries(HOSTILE))
    assert.ok(html.includes(`<th>${name}</th><td>${escaped(value)}</td>`), name)
  assert.match(html, /Newsletter #2/)
  assert.match(html, /activities for the last 30 days only/)

  const pdf = join(out, 'summary.pdf')
  const printed = chromium([`--print-to-pdf=${pdf}`, '--no-pdf-header-footer', `file://${htmlPath}`])
  assert.equal(printed.status, 0, printed.stderr)
  assert.equal(readFileSync(pdf).subarray(0, 5).toString(), '%PDF-')
})
