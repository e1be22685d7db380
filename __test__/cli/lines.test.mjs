// The CLI's line splitter works on raw bytes, and a read chunk can end anywhere: inside a
// multi-byte character, between \r and \n, right after a newline. Whatever the chunking, the
// lines must be those of String.prototype.split on /\r?\n/.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import linesModule from '../../lib/cli/lines.js'

const { LineSplitter, isBlank, withoutBom } = linesModule

const TEXT = '{"a":"é€😀"}\r\n\n{"b":1}\r\n\r\n  \n{"c":"x\\r\\n"}\n{"d":[1,2]}'
const BYTES = Buffer.from(TEXT)
const EXPECTED = TEXT.split(/\r?\n/)

function splitAll(chunks) {
  const splitter = new LineSplitter()
  const lines = []
  for (const chunk of chunks) lines.push(...splitter.push(chunk))
  const last = splitter.end()
  if (last !== null) lines.push(last)
  return lines.map((line) => line.toString('utf8'))
}

test('one chunk', () => {
  assert.deepEqual(splitAll([BYTES]), EXPECTED)
})

test('two chunks, split at every byte position', () => {
  for (let at = 0; at <= BYTES.length; at++) {
    assert.deepEqual(splitAll([BYTES.subarray(0, at), BYTES.subarray(at)]), EXPECTED, `split at ${at}`)
  }
})

test('one byte per chunk', () => {
  const chunks = [...BYTES].map((byte) => Buffer.from([byte]))
  assert.deepEqual(splitAll(chunks), EXPECTED)
})

test('a final newline ends the last line: no empty line after it', () => {
  assert.deepEqual(splitAll([Buffer.from('{"a":1}\n{"b":2}\r\n')]), ['{"a":1}', '{"b":2}'])
  assert.deepEqual(splitAll([Buffer.from('')]), [])
})

test('blank means only spaces, tabs and \\r', () => {
  for (const blank of ['', ' ', '\t \r']) assert.equal(isBlank(Buffer.from(blank)), true, JSON.stringify(blank))
  for (const line of ['{}', ' 1', '\u00a0']) assert.equal(isBlank(Buffer.from(line)), false, JSON.stringify(line))
})

test('a UTF-8 byte order mark is removed, nothing else', () => {
  assert.equal(withoutBom(Buffer.from('\uFEFF{}')).toString(), '{}')
  assert.equal(withoutBom(Buffer.from('{}')).toString(), '{}')
  assert.equal(withoutBom(Buffer.from('\uFEFF')).toString(), '')
})
