// The reference semantics (__test__/helpers/sanitize-reference.mjs) written for speed in plain JS, so the
// benchmark shows what a careful JS author gets without a native addon: each key's decision (and
// its `_hash` name) is computed once and cached, the one-shot `crypto.hash` replaces
// createHash().update().digest() where Node has it (>= 20.12 / 21.7), no regex, no entries arrays.

import crypto from 'node:crypto'

// The same name lists as the reference the tests use, so the two cannot drift apart.
import { REFERENCE_DROP, REFERENCE_HASH } from '../__test__/helpers/sanitize-reference.mjs'

const NEVER_SEND = REFERENCE_DROP
const HASH_FIELDS = REFERENCE_HASH

const KEEP = 0
const DROP = 1
// Real schemas have a few hundred keys; random keys must not grow the cache without bound.
const MAX_CACHED = 10_000

// key -> KEEP, DROP, or the output name (`<key>_hash`) of a hash field.
const decisions = new Map()

const sha256Hex =
  typeof crypto.hash === 'function'
    ? (value) => crypto.hash('sha256', value, 'hex')
    : (value) => crypto.createHash('sha256').update(value, 'utf8').digest('hex')

function decide(key) {
  const k = key.toLowerCase()
  const decision = NEVER_SEND.has(k) ? DROP : HASH_FIELDS.has(k) ? key + '_hash' : KEEP
  if (decisions.size >= MAX_CACHED) decisions.clear()
  decisions.set(key, decision)
  return decision
}

export function tunedSanitize(attrs) {
  const out = {}
  const keys = Object.keys(attrs)
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]
    let decision = decisions.get(key)
    if (decision === undefined) decision = decide(key)
    if (decision === KEEP) {
      out[key] = attrs[key]
    } else if (decision !== DROP) {
      const value = attrs[key]
      if (typeof value === 'string') out[decision] = sha256Hex(value).slice(0, 16)
      else out[key] = value
    }
  }
  return out
}
