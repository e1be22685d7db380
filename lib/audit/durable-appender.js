'use strict'

// Appends lines to a file durably with group commit: lines that arrive while a write+fsync is in
// flight are written together by the next one, so each caller waits for one fsync and the file
// sees one write per batch. A batch's lines are prepared (sealed) in order by `prepare`, so a
// hash chain stays in the order of the calls.

const fs = require('node:fs')

class DurableAppender {
  /**
   * @param fd an open file descriptor (append mode)
   * @param prepare (item) => string: the line for an item, called in call order just before its
   *   batch is written; a throw rejects that item alone.
   */
  constructor(fd, prepare) {
    this.fd = fd
    this.prepare = prepare
    this.pending = []
    this.flushing = null
    this.closed = false
  }

  append(item) {
    if (this.closed) return Promise.reject(new Error('the file is closed'))
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject })
      if (this.flushing === null) this.flushing = this.flush()
    })
  }

  async flush() {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending
        this.pending = []
        const lines = []
        const done = []
        for (const entry of batch) {
          try {
            const line = this.prepare(entry.item)
            lines.push(line)
            done.push(entry)
          } catch (error) {
            entry.reject(error)
          }
        }
        if (lines.length === 0) continue
        try {
          await write(this.fd, Buffer.from(lines.join('\n') + '\n'))
          await datasync(this.fd)
        } catch (error) {
          // The file is in an unknown state past this point: fail this batch and every later one.
          this.closed = true
          for (const entry of [...done, ...this.pending]) entry.reject(error)
          this.pending = []
          return
        }
        for (const entry of done) entry.resolve(entry.item)
      }
    } finally {
      this.flushing = null
    }
  }

  /** Waits for queued lines, then closes the file. */
  async close() {
    while (this.flushing !== null) await this.flushing
    this.closed = true
    await new Promise((resolve, reject) => fs.close(this.fd, (error) => (error ? reject(error) : resolve())))
  }
}

function write(fd, buffer) {
  return new Promise((resolve, reject) => {
    const next = (offset) => {
      fs.write(fd, buffer, offset, buffer.length - offset, null, (error, written) => {
        if (error) return reject(error)
        if (offset + written < buffer.length) return next(offset + written)
        resolve()
      })
    }
    next(0)
  })
}

function datasync(fd) {
  return new Promise((resolve, reject) => fs.fdatasync(fd, (error) => (error ? reject(error) : resolve())))
}

module.exports = { DurableAppender }
