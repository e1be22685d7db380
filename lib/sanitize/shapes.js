'use strict'

// Compiled builders for object shapes seen again and again (every `identify` of a service sends
// the same attribute names). Building the output as one object literal with the keys known in
// advance lets V8 allocate it with its final shape at once, instead of growing a dictionary key by
// key: that, not the hashing, is where a plain walk spends its time (the approach of fast-redact's
// compiled redactors). Only keys are compiled in, never values; each key is embedded as a JSON
// string literal, which cannot break out of the generated code.

// A shape is compiled the second time it is seen: one-off shapes (or a stream of random keys)
// never pay for compilation.
const COMPILE_AFTER = 2
// Enough for the shapes a service really sends; bounded so hostile key sets cannot grow it.
const MAX_SHAPES = 64
// Wider objects are rare and walk fine (and a literal of thousands of keys compiles slowly).
const MAX_COMPILED_KEYS = 1000
// A shape keeps its key strings and compiles them into code: bounded in characters too, or 64
// shapes of attacker-sized keys (1 MiB names) would hold the heap. 1000 names of 32 characters
// fit; the cache then holds at most MAX_SHAPES times this (a few MiB), whatever the input.
const MAX_SHAPE_KEY_CHARS = 32 * 1024
// What compile() returns for a shape it will not compile (two keys with one output name).
const NEVER = false

class ShapeCache {
  constructor(compile) {
    this.compile = compile
    this.entries = []
  }

  /** The compiled builder for exactly these keys in this order, or null (not compiled yet). */
  builder(keys) {
    if (keys.length > MAX_COMPILED_KEYS) return null
    const entries = this.entries
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]
      if (sameKeys(entry.keys, keys)) {
        if (entry.build === NEVER) return null
        if (entry.build !== null) return entry.build
        if (++entry.hits >= COMPILE_AFTER) entry.build = this.compile(entry.keys)
        return entry.build || null
      }
    }
    // Counted only here, for a shape not seen yet: a cached one already passed.
    if (keyChars(keys) > MAX_SHAPE_KEY_CHARS) return null
    if (entries.length >= MAX_SHAPES) entries.length = 0
    entries.push({ keys, hits: 1, build: null })
    return null
  }
}

function keyChars(keys) {
  let chars = 0
  for (let i = 0; i < keys.length; i++) chars += keys[i].length
  return chars
}

function sameKeys(a, b) {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false
  }
  return true
}

module.exports = { NEVER, ShapeCache }
