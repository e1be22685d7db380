'use strict'

// A token bucket shared by every request of a bulk run (retries and both calls of
// suppress-and-destroy included: Customer.io counts requests, not people). Tokens refill at
// `ratePerSecond`; the bucket holds a tenth of a second's worth, so a run starts without a
// burst above the cap. A caller that finds it empty reserves the next token (the count goes
// negative) and sleeps until it is due, so waiting callers are served in arrival order.
//
// `pause(ms)` holds every caller for a while whatever the rate (and also when the cap is off):
// a 429 with Retry-After is about the whole workspace, not one person.

const { sleep } = require('./retry.js')

class RateLimiter {
  /** `ratePerSecond`: requests per second, or Infinity for no cap (pauses still apply). */
  constructor(ratePerSecond, now = () => performance.now()) {
    this.rate = ratePerSecond
    this.capacity = Number.isFinite(ratePerSecond) ? Math.max(1, ratePerSecond / 10) : Infinity
    this.tokens = Number.isFinite(ratePerSecond) ? this.capacity : Infinity
    this.now = now
    this.last = now()
    this.pausedUntil = 0
  }

  /** Resolves when one request may be sent. */
  async take() {
    await this.waitForPause()
    if (this.rate === Infinity) return
    const now = this.now()
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) * this.rate) / 1000)
    this.last = now
    this.tokens -= 1
    if (this.tokens < 0) await sleep(Math.ceil((-this.tokens * 1000) / this.rate))
    // A pause may have begun while this caller slept for its token.
    await this.waitForPause()
  }

  /** Holds every caller until `ms` from now (a later end wins over an earlier one). */
  pause(ms) {
    this.pausedUntil = Math.max(this.pausedUntil, this.now() + ms)
  }

  async waitForPause() {
    // Bounded: each round sleeps until the end of the latest pause, which only moves on a new 429.
    for (let wait = this.pausedUntil - this.now(); wait > 0; wait = this.pausedUntil - this.now()) {
      await sleep(Math.ceil(wait))
    }
  }
}

module.exports = { RateLimiter }
