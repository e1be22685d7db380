'use strict'

// Walks a JS object in JS and asks the native core for every decision. Reading properties through
// N-API costs more than the work itself (shared/facts/napi-costs.md), so the walk stays in V8;
// Rust decides what each key's rule is (cached per key), computes digests and scans strings.

const native = require('../native.js')
const { CustomerioSecurityError, fromNative } = require('../errors.js')
const { NEVER, ShapeCache } = require('./shapes.js')

const KEEP_UNLISTED = -1
const FORBIDDEN = -2
const NOT_ALLOWED = -3
const DROP = Symbol('drop')
// Enough for any real schema; a stream of random keys must not grow the cache without bound.
const MAX_CACHED_DECISIONS = 10_000
// A cheap test that lets most strings skip the native scan. The core builds its regexes from the
// enabled detectors' shapes and its Unicode fold tables (detect::js_prefilter): one definition, in
// Rust. Together they accept every string a detector can match (tested against the native scan on
// random and near-miss inputs in __test__/sanitize-detectors.test.mjs): the digit shapes (a cheap
// gate with wide classes, then the exact Unicode classes for the few strings it lets through), and
// the secrets' prefixes in strings long enough to hold a secret. Regexes beat a charCodeAt loop
// here: V8 compiles them to native code.
// A numeric string ("4.111111111111111e15") is judged by its value like a number, so a short one
// can still be a card: those starting with a digit or '-' are tested apart.
const NUMERIC_STRING = /^-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?$/
// Numbers can only hold a card number: 13 to 19 digits, Luhn-valid.
const MIN_CARD_NUMBER = 1e12

class Walker {
  constructor(policy, info) {
    this.policy = policy
    this.rules = info.rules
    this.maxDepth = info.maxDepth
    this.detectors = info.detectors
    const { shapesGate, unicodeShapes, shapesMinLength, literals, literalsMinLength } = info.prefilter
    this.shapesGate = shapesGate == null ? null : new RegExp(shapesGate)
    this.unicodeShapes = unicodeShapes == null ? null : new RegExp(unicodeShapes, 'u')
    this.shapesMinLength = shapesMinLength
    this.literals = literals == null ? null : new RegExp(literals, 'i')
    this.literalsMinLength = literalsMinLength
    this.minNumericLength = info.minNumericStringLength
    this.limits = info.limits
    this.nameBytes = info.nameBytes
    this.valueBytes = info.valueBytes
    this.attributes = info.attributes
    this.decisions = new Map()
    this.shapes = new ShapeCache((keys) => this.compileShape(keys))
  }

  decide(key) {
    let code = this.decisions.get(key)
    if (code === undefined) {
      code = native.sanitizerDecide(this.policy, key)
      if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear()
      this.decisions.set(key, code)
    }
    return code
  }

  /** Sanitizes `attrs`; `report` is an array to fill, or null when no report is wanted. */
  run(attrs, report) {
    const ctx = { report, path: [], stack: [] }
    try {
      return this.object(attrs, ctx, 1, true)
    } catch (error) {
      throw this.failure(error, ctx)
    }
  }

  object(obj, ctx, depth, top) {
    if (depth > this.maxDepth) {
      throw new CustomerioSecurityError('ERR_MAX_DEPTH', `the input nests deeper than ${this.maxDepth} levels`)
    }
    if (ctx.stack.includes(obj)) {
      throw new CustomerioSecurityError('ERR_CYCLE', `the input refers to itself at ${render(ctx.path)}`)
    }
    const keys = Object.keys(obj)
    // The compiled builder skips nothing but the report, so it serves calls without one.
    const build = ctx.report === null ? this.shapes.builder(keys) : null
    ctx.stack.push(obj)
    if (build !== null) {
      const out = build(obj, this, ctx, depth)
      ctx.stack.pop()
      if (top && this.limitsApply(ctx)) this.checkAllLimits(out, ctx)
      return out
    }
    const out = {}
    let count = 0
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]
      const code = this.decide(key)
      ctx.path.push(key)
      if (code === FORBIDDEN) {
        note(ctx, 'dropped', 'prototype_key')
      } else if (code === NOT_ALLOWED) {
        note(ctx, 'dropped', 'not_allowed')
      } else {
        const value = obj[key]
        let outKey = key
        let result
        if (code === KEEP_UNLISTED) {
          result = this.value(value, ctx, depth)
        } else {
          const rule = this.rules[code]
          if (rule.kind === 'drop') {
            note(ctx, 'dropped', rule.name)
            result = DROP
          } else if (rule.kind === 'keep') {
            result = this.kept(value, ctx, depth)
          } else {
            if (rule.renames) outKey = key + '_hash'
            result = this.transformed(code, rule, value, ctx)
          }
        }
        if (result !== DROP) {
          out[outKey] = result
          count++
          if (top && this.limitsApply(ctx)) this.checkLimits(outKey, result, count, ctx)
        }
      }
      ctx.path.pop()
    }
    ctx.stack.pop()
    return out
  }

  /**
   * A value an explicit `keep` rule names: a scalar as it is, without the detectors (an `id` is
   * never redacted); an object or array still walked, so a kept name cannot carry a never-send
   * field past the rules.
   */
  kept(value, ctx, depth) {
    return value !== null && typeof value === 'object' ? this.objectValue(value, ctx, depth) : value
  }

  value(value, ctx, depth) {
    switch (typeof value) {
      case 'string':
        return this.string(value, ctx)
      case 'number':
        return this.number(value, ctx)
      case 'boolean':
      case 'undefined':
        return value
      case 'bigint':
        // JSON has no BigInt (JSON.stringify throws on one): send its decimal text.
        return this.string(value.toString(), ctx)
      case 'object':
        return this.objectValue(value, ctx, depth)
      default:
        // Symbols and functions: JSON would drop them silently; the report says so.
        note(ctx, 'dropped', 'unsupported_type')
        return DROP
    }
  }

  objectValue(value, ctx, depth) {
    if (value === null || value instanceof Date) return value
    if (Array.isArray(value)) return this.array(value, ctx, depth + 1)
    if (
      ArrayBuffer.isView(value) ||
      value instanceof ArrayBuffer ||
      value instanceof Map ||
      value instanceof Set ||
      value instanceof WeakMap ||
      value instanceof WeakSet ||
      value instanceof RegExp ||
      value instanceof Promise
    ) {
      // Binary data could hold anything, and Map/Set/RegExp serialize to `{}`: never send them.
      note(ctx, 'dropped', 'unsupported_type')
      return DROP
    }
    if (typeof value.toJSON === 'function') {
      // What JSON.stringify would send (Decimal, Moment, Luxon...), sanitized like any value.
      return this.value(value.toJSON(), ctx, depth + 1)
    }
    return this.object(value, ctx, depth + 1, false)
  }

  array(list, ctx, depth) {
    if (depth > this.maxDepth) {
      throw new CustomerioSecurityError('ERR_MAX_DEPTH', `the input nests deeper than ${this.maxDepth} levels`)
    }
    if (ctx.stack.includes(list)) {
      throw new CustomerioSecurityError('ERR_CYCLE', `the input refers to itself at ${render(ctx.path)}`)
    }
    ctx.stack.push(list)
    const out = []
    for (let i = 0; i < list.length; i++) {
      ctx.path.push(i)
      const result = this.value(list[i], ctx, depth)
      if (result !== DROP) out.push(result)
      ctx.path.pop()
    }
    ctx.stack.pop()
    return out
  }

  string(text, ctx) {
    if (!this.detectors || !this.mayHoldPii(text)) return text
    const verdict = native.sanitizerScan(this.policy, text)
    if (verdict === null) return text
    for (let i = 2; i < verdict.length; i++) {
      note(ctx, verdict[0] === 'redact' ? 'redacted' : 'dropped', 'detector:' + verdict[i])
    }
    return verdict[0] === 'redact' ? verdict[1] : DROP
  }

  mayHoldPii(text) {
    const length = text.length
    if (length >= this.shapesMinLength && this.shapesGate.test(text) && this.unicodeShapes.test(text)) return true
    if (length >= this.literalsMinLength && this.literals.test(text)) return true
    return length >= this.minNumericLength && numberLike(text)
  }

  number(value, ctx) {
    // A number can hold a card only with 13+ digits before any point; a whole one must also pass
    // Luhn (cheap here). Others go to the native scan, which reads String(value) exactly, as the
    // JSON path reads the number's text.
    if (!this.detectors || !(Math.abs(value) >= MIN_CARD_NUMBER) || (Number.isSafeInteger(value) && !luhn(value))) {
      return value
    }
    const found = native.sanitizerScanNumber(this.policy, String(value))
    if (found === null) return value
    for (const detector of found) note(ctx, 'dropped', 'detector:' + detector)
    return DROP
  }

  /**
   * A field under a transforming rule. Scalars are transformed from their text, arrays element
   * by element, null and undefined kept (null clears the attribute), anything else dropped:
   * never passed through.
   */
  transformed(code, rule, value, ctx) {
    if (value === null || value === undefined) return value
    if (Array.isArray(value)) {
      const out = []
      for (let i = 0; i < value.length; i++) {
        ctx.path.push(i)
        const result = this.transformedScalar(code, rule, value[i], ctx)
        if (result !== DROP) out.push(result)
        ctx.path.pop()
      }
      return out
    }
    return this.transformedScalar(code, rule, value, ctx)
  }

  transformedScalar(code, rule, value, ctx) {
    const type = typeof value
    if (type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean') {
      const result = native.sanitizerTransform(this.policy, code, String(value))
      if (result === null) {
        note(ctx, 'dropped', rule.dropReason)
        return DROP
      }
      note(ctx, rule.verb, rule.name)
      return result
    }
    if (value === null) return null
    note(ctx, 'dropped', 'not_a_scalar')
    return DROP
  }

  /** Limits matter when they throw, or when there is a report to list them in. */
  limitsApply(ctx) {
    return this.limits === 'error' || (this.limits === 'report' && ctx.report !== null)
  }

  checkAllLimits(out, ctx) {
    const keys = Object.keys(out)
    for (let i = 0; i < keys.length; i++) {
      ctx.path.push(keys[i])
      this.checkLimits(keys[i], out[keys[i]], i + 1, ctx)
      ctx.path.pop()
    }
  }

  /**
   * Generates the builder for one shape: the same decisions as object(), unrolled, with the
   * output made by one object literal. Values a detector or rule drops are deleted afterwards,
   * which keeps the order of the others.
   */
  compileShape(keys) {
    const reads = []
    const fields = []
    const drops = []
    for (let i = 0; i < keys.length; i++) {
      const key = JSON.stringify(keys[i])
      const code = this.decide(keys[i])
      if (code === FORBIDDEN || code === NOT_ALLOWED) continue
      const rule = code >= 0 ? this.rules[code] : null
      if (rule !== null && rule.kind === 'drop') continue
      const outKey = rule !== null && rule.renames ? JSON.stringify(keys[i] + '_hash') : key
      const call =
        rule === null
          ? `w.value(o[${key}], ctx, depth)`
          : rule.kind === 'keep'
            ? `w.kept(o[${key}], ctx, depth)`
            : `w.transformed(${code}, w.rules[${code}], o[${key}], ctx)`
      // Two keys writing one output name (`phone` hashed next to a `phone_hash` key) would let a
      // dropped value delete the other's: such shapes take the plain walk.
      if (fields.some((field) => field.startsWith(outKey + ':'))) return NEVER
      reads.push(`p.push(${key}); const v${i} = ${call}; p.pop();`)
      fields.push(`${outKey}: v${i}`)
      drops.push(`if (v${i} === DROP) delete out[${outKey}];`)
    }
    const body = [
      'const p = ctx.path;',
      ...reads,
      `const out = { ${fields.join(', ')} };`,
      ...drops,
      'return out;',
    ].join('\n')
    return new Function('DROP', `return function build(o, w, ctx, depth) {\n${body}\n}`)(DROP)
  }

  checkLimits(key, value, count, ctx) {
    if (key.length * 3 > this.nameBytes && Buffer.byteLength(key) > this.nameBytes) {
      this.limit(ctx, 'attribute_name_too_long')
    }
    if (valueBytes(value, this.valueBytes) > this.valueBytes) this.limit(ctx, 'attribute_value_too_long')
    if (count === this.attributes + 1) this.limit(ctx, 'too_many_attributes')
  }

  limit(ctx, rule) {
    if (this.limits === 'error') {
      throw new CustomerioSecurityError('ERR_LIMIT_EXCEEDED', `a Customer.io limit is exceeded (${rule})`)
    }
    note(ctx, 'limit', rule)
  }

  failure(error, ctx) {
    if (error instanceof CustomerioSecurityError) return error
    const coded = fromNative(error)
    if (coded !== error) return coded
    // A getter or toJSON that threw, a revoked Proxy...: fail closed, name where, never what.
    return new CustomerioSecurityError('ERR_READ_FAILED', `reading the input failed at ${render(ctx.path)}`, {
      cause: error,
    })
  }
}


/**
 * True if `text` may be a JSON number ("4.111111111111111e15"), whose value a detector judges.
 * The first and last characters rule out nearly every string before the regex runs (measured:
 * running it on every string that starts with a digit cost the 25-key profile 5%).
 */
function numberLike(text) {
  const last = text.charCodeAt(text.length - 1)
  if (last < 48 || last > 57) return false
  const first = text.charCodeAt(0)
  return (first === 45 || (first >= 48 && first <= 57)) && NUMERIC_STRING.test(text)
}

/** The Luhn checksum of a whole number's decimal digits (every card number passes it). */
function luhn(value) {
  let n = Math.abs(value)
  let sum = 0
  let double = false
  while (n > 0) {
    let digit = n % 10
    n = (n - digit) / 10
    if (double) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2
    sum += digit
    double = !double
  }
  return sum % 10 === 0
}

/** The size Customer.io counts: a string's bytes, or the JSON text of anything else. */
function valueBytes(value, limit) {
  if (typeof value === 'string') return value.length * 3 > limit ? Buffer.byteLength(value) : value.length
  if (value === null || typeof value !== 'object') return 0
  const text = JSON.stringify(value)
  return text === undefined ? 0 : text.length * 3 > limit ? Buffer.byteLength(text) : text.length
}

function note(ctx, action, rule) {
  if (ctx.report !== null) ctx.report.push({ path: render(ctx.path), action, rule })
}

function render(path) {
  let out = ''
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`
    else out += out === '' ? segment : '.' + segment
  }
  return out === '' ? '(top level)' : out
}

module.exports = { Walker }
