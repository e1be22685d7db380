// Run as a child process (Node 22, a small heap, peak-rss.cjs preloaded) by the export memory
// test: exports one person from the fake App API at BASE_URL into OUT_DIR, then prints the counts.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const { APIClient } = require('customerio-node')
const { exportPerson } = require('../../index.js')

const client = new APIClient(process.env.APP_KEY, { url: process.env.BASE_URL, retry: { maxRetries: 0 } })
const result = await exportPerson(
  client,
  { id: process.env.PERSON_ID },
  { out: process.env.OUT_DIR, ratePerSecond: Infinity, requestId: 'mem' },
)
process.stdout.write(JSON.stringify(result.manifest.counts))
