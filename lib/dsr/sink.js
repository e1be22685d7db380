'use strict'

// A file written in order, in pieces, with bounded memory: text is gathered up to a threshold and
// then written (awaited) before more is accepted, so however much is exported, at most one
// threshold's worth waits in memory. Written under a temporary name and renamed into place by
// finish(), so a file with the final name is always complete; abort() removes the partial one
// (it holds personal data and is no use half written).

const fs = require('node:fs/promises')

const FLUSH_BYTES = 64 * 1024

class Sink {
  static async create(path) {
    const partial = `${path}.partial`
    // 0600: the file holds a person's data.
    const handle = await fs.open(partial, 'w', 0o600)
    return new Sink(path, partial, handle)
  }

  constructor(path, partial, handle) {
    this.path = path
    this.partial = partial
    this.handle = handle
    this.pending = []
    this.pendingBytes = 0
    this.bytes = 0
  }

  /** Queues `text`; resolves once memory is back under the threshold. */
  async write(text) {
    this.pending.push(text)
    this.pendingBytes += text.length
    if (this.pendingBytes >= FLUSH_BYTES) await this.flush()
  }

  async flush() {
    if (this.pending.length === 0) return
    const chunk = Buffer.from(this.pending.join(''), 'utf8')
    this.pending = []
    this.pendingBytes = 0
    this.bytes += chunk.length
    await this.handle.write(chunk)
  }

  async finish() {
    await this.flush()
    await this.handle.sync()
    await this.handle.close()
    await fs.rename(this.partial, this.path)
  }

  async abort() {
    this.pending = []
    await this.handle.close().catch(() => {})
    await fs.rm(this.partial, { force: true }).catch(() => {})
  }
}

module.exports = { Sink }
