'use strict'

// The --ids file of `erase`: one id per line (\n or \r\n; a UTF-8 BOM is dropped). It is read
// twice, streaming, never held in memory: once to check every line before anything is sent
// (blank ids and ids over 150 bytes are reported by line number, never quoted), then again as
// the run's input. A third pass maps failed ids back to their line numbers for the report.

const fs = require('node:fs')
const { MAX_ID_BYTES } = require('../erasure/validate.js')
const { LineSplitter, withoutBom } = require('./lines.js')
const { describeIoError } = require('../errors.js')
const { UsageError } = require('./usage.js')

/** Problems listed before "and N more": enough to fix a file, not a flood. */
const MAX_LISTED = 20

/** Yields [lineNumber, id] for every line of `file`. */
async function* idLines(file) {
  let stream
  try {
    const handle = await fs.promises.open(file, 'r')
    if ((await handle.stat()).isDirectory()) {
      await handle.close()
      throw Object.assign(new Error('directory'), { code: 'EISDIR' })
    }
    stream = handle.createReadStream({ highWaterMark: 1 << 16 })
  } catch (error) {
    throw new UsageError(`cannot read the ids file ${file}: ${describeIoError(error)}`)
  }
  const splitter = new LineSplitter()
  let lineNumber = 0
  try {
    for await (const chunk of stream) {
      for (const line of splitter.push(chunk)) {
        lineNumber += 1
        yield [lineNumber, decode(line, lineNumber)]
      }
    }
  } catch (error) {
    if (error instanceof UsageError) throw error
    throw new UsageError(`cannot read the ids file ${file}: ${describeIoError(error)}`)
  } finally {
    stream.destroy()
  }
  const last = splitter.end()
  if (last !== null) yield [lineNumber + 1, decode(last, lineNumber + 1)]
}

function decode(line, lineNumber) {
  return (lineNumber === 1 ? withoutBom(line) : line).toString('utf8')
}

/**
 * Checks every line; resolves the number of ids, or throws a UsageError listing the bad lines.
 * An empty file is an error too: a run that erases nobody is almost always a wrong path.
 */
async function checkIdsFile(file) {
  const problems = []
  let count = 0
  for await (const [lineNumber, id] of idLines(file)) {
    count += 1
    if (id.trim() === '') problems.push(`  line ${lineNumber}: blank id`)
    else if (Buffer.byteLength(id) > MAX_ID_BYTES)
      problems.push(`  line ${lineNumber}: id longer than ${MAX_ID_BYTES} bytes`)
  }
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED).join('\n')
    const more = problems.length > MAX_LISTED ? `\n  ... and ${problems.length - MAX_LISTED} more` : ''
    throw new UsageError(
      `the ids file ${file} has ${problems.length} invalid line${problems.length === 1 ? '' : 's'}; nothing was sent:\n${listed}${more}`,
    )
  }
  if (count === 0) throw new UsageError(`the ids file ${file} holds no ids`)
  return count
}

/** The ids alone, for eraseMany. */
async function* readIds(file) {
  for await (const [, id] of idLines(file)) yield id
}

/** id -> first line number, for the ids of `wanted` (a Set). */
async function lineNumbersOf(file, wanted) {
  const lines = new Map()
  for await (const [lineNumber, id] of idLines(file)) {
    if (wanted.has(id) && !lines.has(id)) lines.set(id, lineNumber)
  }
  return lines
}

module.exports = { checkIdsFile, lineNumbersOf, readIds }
