'use strict'

// Every SecretValue still alive, so scrub() can remove loaded secrets from log lines without the
// caller listing them. The registry holds WeakRefs only: a secret nobody references any more is
// collected as usual, and the FinalizationRegistry then drops its entry, so the set does not grow
// with every credential refresh. forgetSecrets() empties it on demand, for a caller that wants
// scrub() to stop paying for secrets it knows are gone (it cannot rely on GC timing).

const refs = new Set()
const finalizer = new FinalizationRegistry((ref) => refs.delete(ref))

/** Adds one SecretValue (called by its constructor). */
function remember(secret) {
  const ref = new WeakRef(secret)
  refs.add(ref)
  finalizer.register(secret, ref, ref)
}

/**
 * The raw values of the live secrets, longest first (so a secret containing another one is
 * replaced whole). `reveal` reads one secret's value; it is passed in to keep this module free
 * of the class (and of a require cycle).
 */
function liveValues(reveal) {
  const values = new Set()
  for (const ref of refs) {
    const secret = ref.deref()
    if (secret === undefined) refs.delete(ref)
    else values.add(reveal(secret))
  }
  return [...values].sort((a, b) => b.length - a.length)
}

/** Forgets every secret created so far: scrub() no longer knows their values. */
function forgetSecrets() {
  for (const ref of refs) finalizer.unregister(ref)
  refs.clear()
}

/** How many secrets are registered (alive or not yet finalized): for tests and diagnostics. */
function liveCount() {
  return refs.size
}

module.exports = { forgetSecrets, liveCount, liveValues, remember }
