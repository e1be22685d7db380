'use strict'

// Durable appends without one fsync per line: text handed in while a write+fsync is in flight
// waits, then goes out with everything else that arrived meanwhile in one write and one fsync.
// A caller's promise resolves only once its own text is on disk, so "journaled before sent"
// holds, and throughput grows with the number of callers instead of being capped by fsync latency.

const fs = require('node:fs')

const { CustomerioSecurityError } = require('../errors.js')

class GroupCommitFile {
  /**
   * `handle`: a fs.promises FileHandle opened for appending, or anything with its `write`,
   * `datasync` and `close` (see `fdHandle`). `errorCode` names a failed write.
   */
  constructor(handle, what, errorCode = 'ERR_JOURNAL_WRITE') {
    this.handle = handle
    this.what = what
    this.errorCode = errorCode
    this.queue = []
    this.waiters = []
    this.flushing = null
    this.failure = null
    this.closing = undefined
  }

  /** Resolves once `text` is written and fsync'd; rejects ERR_JOURNAL_WRITE if writing failed. */
  append(text) {
    if (this.failure !== null) return Promise.reject(this.failure)
    return new Promise((resolve, reject) => {
      this.queue.push(text)
      this.waiters.push({ resolve, reject })
      if (this.flushing === null) this.flushing = this.flush()
    })
  }

  async flush() {
    while (this.queue.length > 0 && this.failure === null) {
      const text = this.queue.join('')
      const waiters = this.waiters
      this.queue = []
      this.waiters = []
      try {
        const buffer = Buffer.from(text, 'utf8')
        // A write may be short (a full disk): write the rest, or fail.
        for (let offset = 0; offset < buffer.length; ) {
          const { bytesWritten } = await this.handle.write(buffer, offset, buffer.length - offset)
          offset += bytesWritten
        }
        // fdatasync: the data and the file size (what reading it back needs), not the mtime.
        await this.handle.datasync()
      } catch (error) {
        // Nothing after a failed write can be trusted to follow it on disk: fail every later
        // append too. A torn tail is dropped when the file is opened again.
        this.failure = new CustomerioSecurityError(
          this.errorCode,
          `writing the ${this.what} failed (${error?.code ?? error?.name})`,
          { cause: error },
        )
        for (const waiter of waiters) waiter.reject(this.failure)
        break
      }
      for (const waiter of waiters) waiter.resolve()
    }
    if (this.failure !== null) {
      // Appends that queued while the failed write was in flight.
      for (const waiter of this.waiters) waiter.reject(this.failure)
      this.queue = []
      this.waiters = []
    }
    this.flushing = null
  }

  /** Waits for pending appends, then closes the file. Closing again waits for the first close. */
  close() {
    if (this.closing === undefined) this.closing = this.closeOnce()
    return this.closing
  }

  async closeOnce() {
    while (this.flushing !== null) await this.flushing
    await this.handle.close()
  }
}

/** A FileHandle-like view of a plain file descriptor (for files opened synchronously). */
function fdHandle(fd) {
  const call = (fn, ...args) =>
    new Promise((resolve, reject) => fn(fd, ...args, (error, result) => (error ? reject(error) : resolve(result))))
  return {
    write: (buffer, offset, length) =>
      call(fs.write, buffer, offset, length, null).then((bytesWritten) => ({ bytesWritten })),
    datasync: () => call(fs.fdatasync),
    close: () => call(fs.close),
  }
}

module.exports = { GroupCommitFile, fdHandle }
