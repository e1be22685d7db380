// The bulk API off the event loop: async sanitizeNdjson gives what the synchronous
// sanitizer.sanitizeNdjson gives, while the event loop keeps turning (counted in setImmediate
// ticks, not timed); createSanitizeStream keeps order across any chunk boundary, mid-line and
// mid-UTF-8 character, and honours backpressure.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { gunzipSync, gzipSync } from 'node:zlib'

import { CustomerioSecurityError, createSanitizeStream, createSanitizer, sanitizeNdjson } from '../../index.js'
import { bulkCorpus } from '../helpers/bulk-corpus.mjs'

const corpus = bulkCorpus(4000)
const sync = createSanitizer()

test('async sanitizeNdjson equals the synchronous sanitizeNdjson: string and Buffer, any jobs', async () => {
  const want = sync.sanitizeNdjson(corpus.text)
  for (const jobs of [1, 2, 4]) {
    const got = await sanitizeNdjson(corpus.text, { jobs })
    assert.ok(got.ndjson === want.ndjson, `jobs ${jobs}: output differs`)
    assert.deepEqual(got.errors, want.errors)
    const bytes = await sanitizeNdjson(Buffer.from(corpus.text), { jobs })
    assert.ok(Buffer.isBuffer(bytes.ndjson))
    assert.ok(bytes.ndjson.equals(Buffer.from(want.ndjson)))
  }
  assert.deepEqual(
    want.errors.map(({ line, code }) => ({ line, code })),
    corpus.bad,
  )
})

test('the summary counts what sanitizeJsonWithReport reports, line by line', async () => {
  const text = corpus.lines.slice(0, 300).join('\n')
  const expected = new Map()
  const expectedAt = new Map()
  const add = (map, name) => map.set(name, (map.get(name) ?? 0) + 1)
  for (const line of corpus.lines.slice(0, 300)) {
    if (line.trim() === '') continue
    try {
      for (const { action, rule, path } of sync.sanitizeJsonWithReport(line).report.changes) {
        add(expected, `${action} ${rule}`)
        // A pattern is the report's path without its array indices.
        add(expectedAt, `${action} ${rule} at ${path.replace(/\[\d+\]/g, '[]')}`)
      }
    } catch {}
  }
  const { summary } = await sanitizeNdjson(text)
  assert.deepEqual(new Map(summary.changes.map(({ action, rule, count }) => [`${action} ${rule}`, count])), expected)
  const at = new Map()
  for (const { action, rule, count, paths } of summary.changes) {
    assert.equal(
      paths.reduce((sum, p) => sum + p.count, 0),
      count,
      'every change has its place',
    )
    for (const { path, count } of paths) at.set(`${action} ${rule} at ${path}`, count)
  }
  assert.deepEqual(at, expectedAt)
  assert.equal(summary.written + summary.malformed, summary.records)
  assert.equal(summary.stoppedAt, null)
})

test("onError 'stop' ends at the first bad line; gzip: true gives gzip that node:zlib reads", async () => {
  const stopped = await sanitizeNdjson(corpus.text, { onError: 'stop' })
  assert.equal(stopped.errors.length, 1)
  assert.equal(stopped.errors[0].line, corpus.bad[0].line)
  assert.equal(stopped.summary.stoppedAt, corpus.bad[0].line)
  assert.ok(stopped.ndjson === bulkCorpus(corpus.bad[0].line - 1).expected)
  const zipped = await sanitizeNdjson(gzipSync(corpus.text), { gzip: true })
  assert.ok(gunzipSync(zipped.ndjson).toString('utf8') === corpus.expected)
})

test('the event loop keeps turning while a large export is sanitized', async () => {
  const big = corpus.text.repeat(6)
  assert.ok(big.length > 20 * 1024 * 1024)
  let ticks = 0
  let running = true
  const spin = () => {
    ticks += 1
    if (running) setImmediate(spin)
  }
  setImmediate(spin)
  const { ndjson } = await sanitizeNdjson(big, { jobs: 2 })
  running = false
  assert.ok(ndjson.length > 0)
  // A synchronous call would allow no tick at all; the input goes in pieces of 1 MiB, each
  // sanitized on other threads while the loop runs.
  assert.ok(ticks >= 10, `only ${ticks} event-loop turns during the call`)
})

test('bad arguments are coded TypeErrors (rejections)', async () => {
  await assert.rejects(sanitizeNdjson({}), { code: 'ERR_INVALID_JSON_INPUT' })
  for (const options of [
    { jobs: 0 },
    { jobs: 1.5 },
    { onError: 'ignore' },
    { format: 'csv' },
    { gzip: 'yes' },
    { bogus: 1 },
    'x',
  ]) {
    await assert.rejects(
      sanitizeNdjson('{}', options),
      { name: 'CustomerioSecurityTypeError', code: 'ERR_INVALID_OPTION' },
      JSON.stringify(options),
    )
  }
  assert.throws(() => createSanitizeStream({ format: 'tsv' }), { code: 'ERR_INVALID_OPTION' })
  await assert.rejects(sanitizeNdjson('{}', { policy: { maxDepth: -1 } }), { code: 'ERR_INVALID_POLICY' })
})

/** A Readable handing out `bytes` in the given chunk sizes, cycling. */
function chunked(bytes, sizes) {
  const chunks = []
  for (let start = 0, i = 0; start < bytes.length; i++) {
    const end = Math.min(start + sizes[i % sizes.length], bytes.length)
    chunks.push(bytes.subarray(start, end))
    start = end
  }
  return Readable.from(chunks)
}

function collector() {
  const parts = []
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      parts.push(chunk)
      callback()
    },
  })
  return { sink, text: () => Buffer.concat(parts).toString('utf8') }
}

test('the stream: chunk boundaries anywhere (mid-line, mid-UTF-8 character) give the same output', async () => {
  const bytes = Buffer.from(corpus.text)
  // The corpus holds é, € and 😀: chunks of 1, 2, 3 and 7 bytes cut their UTF-8 sequences.
  assert.ok(bytes.length > corpus.text.length)
  for (const sizes of [[1, 2, 3, 7, 4096], [65_536], [3 * 1024 * 1024 + 1]]) {
    const stream = createSanitizeStream({ onError: 'skip', jobs: 3 })
    const errors = []
    stream.on('lineError', (error) => errors.push(error))
    const { sink, text } = collector()
    await pipeline(chunked(bytes.subarray(0, 600_000), sizes), stream, sink)
    const want = sync.sanitizeNdjson(bytes.subarray(0, 600_000))
    assert.ok(text() === want.ndjson.toString('utf8'), `chunks ${sizes}`)
    assert.deepEqual(errors, want.errors)
    assert.equal(stream.summary.malformed, want.errors.length)
  }
})

test("the stream under onError 'stop' (the default) fails with the line's coded error, after the lines before it", async () => {
  const stream = createSanitizeStream()
  const { sink, text } = collector()
  await assert.rejects(pipeline(chunked(Buffer.from(corpus.text), [100_000]), stream, sink), (error) => {
    assert.ok(error instanceof CustomerioSecurityError)
    assert.equal(error.code, corpus.bad[0].code)
    assert.equal(error.line, corpus.bad[0].line)
    assert.match(error.message, new RegExp(`line ${corpus.bad[0].line}: `))
    return true
  })
  assert.ok(bulkCorpus(corpus.bad[0].line - 1).expected.startsWith(text()))
})

test('a stream that stops has handed on every record before the stop, gzip output too', async () => {
  const good = Array.from({ length: 3000 }, (_, i) => JSON.stringify({ id: `u${i}`, ssn: '078-05-1120', plan: 'pro' }))
  const { ndjson: want } = await sanitizeNdjson(`${good.join('\n')}\n`)
  for (const gzip of [false, true]) {
    const stream = createSanitizeStream({ gzip })
    const out = []
    stream.on('data', (chunk) => out.push(chunk))
    const failed = new Promise((resolve) => stream.on('error', resolve))
    stream.end(`${good.join('\n')}\n{bad\n`)
    const error = await failed
    assert.equal(error.code, 'ERR_INVALID_JSON')
    assert.equal(error.line, 3001)
    const bytes = Buffer.concat(out)
    assert.ok((gzip ? gunzipSync(bytes).toString('utf8') : bytes.toString('utf8')) === want, `gzip: ${gzip}`)
    assert.equal(stream.summary.written, 3000)
  }
})

test('the stream honours backpressure: a stalled reader stops the source', async () => {
  let produced = 0
  const total = 40 * 1024 * 1024
  const line = Buffer.from(`${JSON.stringify({ id: 'u', ssn: '078-05-1120', note: 'x'.repeat(200) })}\n`)
  const block = Buffer.concat(Array(1000).fill(line))
  const source = new Readable({
    read() {
      if (produced >= total) return this.push(null)
      produced += block.length
      this.push(block)
    },
  })
  let release
  const released = new Promise((resolve) => (release = resolve))
  let received = 0
  const sink = new Writable({
    highWaterMark: 1024,
    write(chunk, _encoding, callback) {
      received += chunk.length
      // The first chunk is held until the test lets go.
      if (received === chunk.length) released.then(() => callback())
      else callback()
    },
  })
  const done = pipeline(source, createSanitizeStream({ jobs: 2 }), sink)
  // Let everything that can flow, flow (many turns of the loop and of the thread pool).
  for (let i = 0; i < 50; i++) await new Promise((resolve) => setTimeout(resolve, 5))
  const producedWhileStalled = produced
  assert.ok(
    producedWhileStalled < 16 * 1024 * 1024,
    `the source ran on to ${producedWhileStalled} bytes with the reader stalled`,
  )
  release()
  await done
  assert.ok(produced >= total)
  assert.equal(received, (line.length - '"ssn":"078-05-1120",'.length) * (produced / line.length))
})

test('the stream takes CSV and gzip too', async () => {
  const csv = 'id,phone,ssn\r\n1,+15550009911,078-05-1120\r\n2,,\r\n'
  const stream = createSanitizeStream({ format: 'csv', gzip: true })
  const parts = []
  await pipeline(Readable.from([gzipSync(csv)]), stream, new Writable({ write: (c, _e, cb) => (parts.push(c), cb()) }))
  const out = gunzipSync(Buffer.concat(parts)).toString('utf8')
  const hash = JSON.parse(sync.sanitizeJson('{"phone":"+15550009911"}')).phone_hash
  assert.equal(out, `id,phone_hash\r\n1,${hash}\r\n2,\r\n`)
  assert.equal(stream.summary.records, 2)
})
