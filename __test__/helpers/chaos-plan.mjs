// The chaos test's plan, the same in the test process and in both receivers: which events exist,
// how each one's handler behaves, and how many copies of it the sender sends when. Everything is
// derived from one seed, so a run can be repeated (the timing of faults and the scheduler are not).

/** FNV-1a, 32 bits: a stable hash of a string, the same in every process. */
export function hash32(text) {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

/** mulberry32: a small seeded generator of floats in [0, 1). */
export function random(seed) {
  let a = seed >>> 0
  return function next() {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const FAIL_ONCE_SHARE = 0.03
export const SLOW_SHARE = 0.01
/** Longer than the sender's timeout (Customer.io gives a receiver 4 s). */
export const SLOW_MS = 5000
export const SENDER_TIMEOUT_MS = 4000

/**
 * How the handler treats this event, from the event id alone:
 * `{ kind: 'fail-once' | 'slow' | 'normal', ms }`. 'fail-once' answers 500 on its first run (any
 * receiver; the test's marker files tell) after `ms`, then behaves normally; 'slow' takes SLOW_MS
 * on every run.
 */
export function behaviour(seed, eventId) {
  const next = random(hash32(`${seed}:${eventId}`))
  const u = next()
  const ms = 5 + Math.floor(next() * 46)
  if (u < FAIL_ONCE_SHARE) return { kind: 'fail-once', ms }
  if (u < FAIL_ONCE_SHARE + SLOW_SHARE) return { kind: 'slow', ms: SLOW_MS }
  return { kind: 'normal', ms }
}

export function eventId(seed, index) {
  return `chaos-${seed}-${String(index).padStart(5, '0')}`
}

/**
 * The deliveries the sender makes: every event at its moment in the send phase (evenly spread),
 * with 1-3 copies (half 1, 3/10 2, 1/5 3). A second copy goes either at the same moment to the
 * other receiver or 0.5-8 s later; a third 0.5-15 s later. Sorted by `at` (ms from the start).
 */
export function deliveries(seed, events, sendMs) {
  const next = random(seed)
  const list = []
  for (let i = 0; i < events; i++) {
    const id = eventId(seed, i)
    const at = Math.floor((i * sendMs) / events)
    const u = next()
    const copies = u < 0.5 ? 1 : u < 0.8 ? 2 : 3
    const first = next() < 0.5 ? 0 : 1
    list.push({ id, copy: 1, at, receiver: first })
    if (copies >= 2) {
      const parallel = next() < 0.5
      list.push({ id, copy: 2, at: parallel ? at : at + 500 + Math.floor(next() * 7500), receiver: 1 - first })
    }
    if (copies >= 3) list.push({ id, copy: 3, at: at + 500 + Math.floor(next() * 14500), receiver: first })
  }
  return list.sort((a, b) => a.at - b.at)
}

/** The body Customer.io would send for this event (an email `delivered` reporting webhook). */
export function eventBody(id) {
  return JSON.stringify({
    event_id: id,
    object_type: 'email',
    metric: 'delivered',
    timestamp: 1_700_000_000,
    data: { delivery_id: `dlv_${id}`, identifiers: { id: '42', email: 'chaos@example.com', cio_id: 'c42' } },
  })
}
