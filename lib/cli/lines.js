'use strict'

// Splits a byte stream into lines without decoding it: the sanitizer takes Buffers, and a
// chunk boundary can fall anywhere (inside a UTF-8 sequence, between \r and \n). Memory is
// one chunk plus the line being assembled, whatever the file size.

const LF = 0x0a
const CR = 0x0d

class LineSplitter {
  constructor() {
    /** Pieces of a line that started in an earlier chunk (joined once, when its end arrives). */
    this.parts = []
  }

  /** The complete lines in `chunk` (without their \n or \r\n), as zero-copy views where possible. */
  push(chunk) {
    const lines = []
    let start = 0
    let end = chunk.indexOf(LF)
    while (end !== -1) {
      let line = chunk.subarray(start, end)
      if (this.parts.length > 0) {
        this.parts.push(line)
        line = Buffer.concat(this.parts)
        this.parts = []
      }
      lines.push(withoutCr(line))
      start = end + 1
      end = chunk.indexOf(LF, start)
    }
    if (start < chunk.length) this.parts.push(chunk.subarray(start))
    return lines
  }

  /** The last line when the input does not end with a newline, else null. */
  end() {
    if (this.parts.length === 0) return null
    const line = Buffer.concat(this.parts)
    this.parts = []
    return withoutCr(line)
  }
}

function withoutCr(line) {
  return line.length > 0 && line[line.length - 1] === CR ? line.subarray(0, line.length - 1) : line
}

/** True for a line holding nothing but JSON whitespace: skipped, not a record. */
function isBlank(line) {
  for (let i = 0; i < line.length; i++) {
    const byte = line[i]
    if (byte !== 0x20 && byte !== 0x09 && byte !== CR) return false
  }
  return true
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf])

/** Drops a UTF-8 byte order mark (some editors write one; JSON parsers reject it). */
function withoutBom(line) {
  return line.subarray(0, 3).equals(BOM) ? line.subarray(3) : line
}

module.exports = { LineSplitter, isBlank, withoutBom }
