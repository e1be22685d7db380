'use strict'

// Walks a JS object in JS and asks the native core for every decision. Reading properties through
// N-API costs more than the work itself (docs/design/napi-costs.md), so the walk stays in V8;
// Rust decides what each key's rule is (cached per key), computes digests and scans strings.

const { types } = require('node:util')

const native = require('../native.js')
const { CustomerioSecurityError, CustomerioSecurityTypeError, fromNative, typeError } = require('../errors.js')
const { Prefilter, mayHoldCard } = require('./prefilter.js')
const { note, render } = require('./report.js')
const { NEVER, ShapeCache } = require('./shapes.js')

// Intrinsics, captured when the module loads: a later patch of Date.prototype.toJSON, of a
// valueOf or of Function.prototype.call cannot change what a Date or a boxed primitive becomes.
// The type tests read internal slots, which Symbol.toStringTag or a swapped prototype cannot fake.
const uncurryThis = Function.prototype.call.bind.bind(Function.prototype.call)
const ReflectApply = Reflect.apply
const getPrototypeOf = Object.getPrototypeOf
const hasOwn = Object.hasOwn
const { isDate, isBoxedPrimitive, isStringObject, isNumberObject, isBooleanObject, isBigIntObject } = types
const DATE_PROTOTYPE = Date.prototype
const OBJECT_PROTOTYPE = Object.prototype
const dateTime = uncurryThis(Date.prototype.getTime)
const dateIsoText = uncurryThis(Date.prototype.toISOString)
const stringValue = uncurryThis(String.prototype.valueOf)
const numberValue = uncurryThis(Number.prototype.valueOf)
const booleanValue = uncurryThis(Boolean.prototype.valueOf)
const bigintValue = uncurryThis(BigInt.prototype.valueOf)
const symbolValue = uncurryThis(Symbol.prototype.valueOf)

// The decision codes and the report's words, as the core defines them.
const CONTRACT = native.sanitizerContract()
const { keepUnlisted: KEEP_UNLISTED, forbidden: FORBIDDEN, notAllowed: NOT_ALLOWED } = CONTRACT.decisions
const { dropped: DROPPED, redacted: REDACTED, limit: LIMIT } = CONTRACT.actions
const RULE = CONTRACT.rules
const DROP = Symbol('drop')
// What serialized() answers for values never sent whatever their toJSON says (binary, Map...).
const UNSUPPORTED = Symbol('unsupported')
// Longer keys are decided each time, not cached: entries alone would let 10,000 attacker-sized
// keys (1 MiB each) fill the heap. Real names are far shorter: Customer.io refuses names over 150
// bytes, which the limits already report.
const MAX_CACHED_KEY_LENGTH = 256
// Enough for any real schema; a stream of random keys must not grow the cache without bound.
const MAX_CACHED_DECISIONS = 10_000
class Walker {
  constructor(policy, info) {
    this.policy = policy
    this.rules = info.rules
    this.maxDepth = info.maxDepth
    this.detectors = info.detectors
    this.prefilter = new Prefilter(info)
    this.limits = info.limits
    this.maxListedChanges = info.maxListedChanges
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
      if (key.length > MAX_CACHED_KEY_LENGTH) return code
      if (this.decisions.size >= MAX_CACHED_DECISIONS) this.decisions.clear()
      this.decisions.set(key, code)
    }
    return code
  }

  /** Sanitizes `attrs`; `report` is `{ changes: [], omitted: 0 }` to fill, or null when no report is wanted. */
  run(attrs, report) {
    const ctx = { report, path: [], stack: [], maxListed: this.maxListedChanges }
    try {
      // JSON.stringify asks the top-level object for its toJSON too (with the key '').
      const toJSON = attrs.toJSON
      if (typeof toJSON !== 'function') return this.object(attrs, ctx, 1, true)
      const json = this.toJSONResult(toJSON, attrs, ctx)
      if (json === null || typeof json !== 'object' || Array.isArray(json)) {
        throw typeError('ERR_INVALID_ATTRIBUTES', 'attributes must be an object (its toJSON returned something else)')
      }
      ctx.stack.push(attrs)
      return this.object(json, ctx, 1, true)
    } catch (error) {
      if (error instanceof CustomerioSecurityTypeError) throw error
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
        note(ctx, DROPPED, RULE.prototypeKey)
      } else if (code === NOT_ALLOWED) {
        note(ctx, DROPPED, RULE.notAllowed)
      } else {
        const value = obj[key]
        let outKey = key
        let result
        if (code === KEEP_UNLISTED) {
          result = this.value(value, ctx, depth)
        } else {
          const rule = this.rules[code]
          if (rule.kind === 'drop') {
            note(ctx, DROPPED, rule.name)
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
    return value !== null && typeof value === 'object' ? this.objectValue(value, ctx, depth, true) : value
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
        return this.objectValue(value, ctx, depth, false)
      default:
        // Symbols and functions: JSON would drop them silently; the report says so.
        note(ctx, DROPPED, RULE.unsupportedType)
        return DROP
    }
  }

  /**
   * An object where a value goes. What gets sent is what JSON.stringify makes of it, so it is
   * sanitized as that: a Date as its ISO text, an object with toJSON as what toJSON returns, a
   * boxed primitive as the primitive. Those scalars follow the rules for scalars (`keep` as for a
   * kept field: as they are); objects are walked, never passed through.
   */
  objectValue(value, ctx, depth, keep) {
    if (value === null) return null
    const json = this.serialized(value, ctx)
    if (json === value) {
      return Array.isArray(value) ? this.array(value, ctx, depth + 1) : this.object(value, ctx, depth + 1, false)
    }
    if (json === UNSUPPORTED) {
      // Binary data could hold anything, and Map/Set/RegExp serialize to `{}`: never send them.
      note(ctx, DROPPED, RULE.unsupportedType)
      return DROP
    }
    if (json === null || typeof json !== 'object') return keep ? json : this.value(json, ctx, depth)
    // toJSON gave an object: walked as JSON.stringify would (its own toJSON is not called again).
    // The object it came from stays on the stack, so a result that holds it is a cycle.
    ctx.stack.push(value)
    let out
    if (Array.isArray(json)) out = this.array(json, ctx, depth + 1)
    else if (unsupported(json)) {
      note(ctx, DROPPED, RULE.unsupportedType)
      out = DROP
    } else out = this.object(json, ctx, depth + 1, false)
    ctx.stack.pop()
    return out
  }

  /**
   * The object `value` as JSON.stringify takes it before writing anything: a real Date's ISO text
   * (null when invalid), else what its toJSON returns (called once, with the key), then a boxed
   * primitive's primitive; `value` itself when none applies. UNSUPPORTED for binary data, Maps,
   * Sets..., whose toJSON is not called (a Buffer's would send its bytes).
   */
  serialized(value, ctx) {
    if (Array.isArray(value)) {
      const toJSON = value.toJSON
      return typeof toJSON === 'function' ? this.toJSONResult(toJSON, value, ctx) : value
    }
    if (unsupported(value)) return UNSUPPORTED
    const proto = getPrototypeOf(value)
    // A Date with nothing of its own: its text comes from the intrinsics, whatever
    // Date.prototype.toJSON or toISOString has become since. Subclasses and Dates with their own
    // toJSON take the toJSON path below, and what they return is sanitized.
    if (proto === DATE_PROTOTYPE && isDate(value) && !hasOwn(value, 'toJSON')) {
      const time = dateTime(value)
      return Number.isNaN(time) ? null : dateIsoText(value)
    }
    const toJSON = value.toJSON
    if (typeof toJSON === 'function') return this.toJSONResult(toJSON, value, ctx)
    return isBoxed(value, proto) ? primitiveOf(value) : value
  }

  /** What `toJSON` returns for `value`, called with the key, a boxed primitive result unboxed. */
  toJSONResult(toJSON, value, ctx) {
    if (ctx.stack.includes(value)) {
      throw new CustomerioSecurityError('ERR_CYCLE', `the input refers to itself at ${render(ctx.path)}`)
    }
    const path = ctx.path
    const key = path.length === 0 ? '' : path[path.length - 1]
    const json = ReflectApply(toJSON, value, [typeof key === 'number' ? `${key}` : key])
    if (json === value) {
      // JSON.stringify would then write its fields; refused instead, like any object that
      // refers to itself: a toJSON that answers `this` is a loop in the making, not data.
      throw new CustomerioSecurityError('ERR_CYCLE', `the input refers to itself at ${render(ctx.path)}`)
    }
    return json !== null && typeof json === 'object' && isBoxedPrimitive(json) ? primitiveOf(json) : json
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
    if (!this.detectors || !this.prefilter.mayHoldPii(text)) return text
    const verdict = native.sanitizerScan(this.policy, text)
    if (verdict === null) return text
    for (let i = 2; i < verdict.length; i++) {
      note(ctx, verdict[0] === 'redact' ? REDACTED : DROPPED, RULE.detectorPrefix + verdict[i])
    }
    return verdict[0] === 'redact' ? verdict[1] : DROP
  }

  number(value, ctx) {
    if (!this.detectors || !mayHoldCard(value)) return value
    const found = native.sanitizerScanNumber(this.policy, String(value))
    if (found === null) return value
    for (const detector of found) note(ctx, DROPPED, RULE.detectorPrefix + detector)
    return DROP
  }

  /**
   * A field under a transforming rule. Scalars are transformed from their text, arrays element
   * by element, null and undefined kept (null clears the attribute), anything else dropped:
   * never passed through.
   */
  transformed(code, rule, value, ctx) {
    if (value === null || value === undefined) return value
    if (typeof value !== 'object') return this.transformedScalar(code, rule, value, ctx)
    // A Date, boxed primitive or toJSON value stands for the scalar JSON.stringify would send.
    const json = this.serialized(value, ctx)
    if (json === null || json === undefined) return json
    if (!Array.isArray(json)) return this.transformedScalar(code, rule, json, ctx)
    const out = []
    for (let i = 0; i < json.length; i++) {
      ctx.path.push(i)
      const item = json[i]
      const scalar = item !== null && typeof item === 'object' ? this.serialized(item, ctx) : item
      const result = this.transformedScalar(code, rule, scalar, ctx)
      if (result !== DROP) out.push(result)
      ctx.path.pop()
    }
    return out
  }

  transformedScalar(code, rule, value, ctx) {
    const type = typeof value
    if (type === 'string' || type === 'number' || type === 'bigint' || type === 'boolean') {
      const result = native.sanitizerTransform(this.policy, code, String(value))
      if (result === null) {
        note(ctx, DROPPED, rule.dropReason)
        return DROP
      }
      note(ctx, rule.verb, rule.name)
      return result
    }
    if (value === null) return null
    note(ctx, DROPPED, RULE.notAScalar)
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
      this.limit(ctx, RULE.attributeNameTooLong)
    }
    if (valueBytes(value, this.valueBytes) > this.valueBytes) this.limit(ctx, RULE.attributeValueTooLong)
    if (count === this.attributes + 1) this.limit(ctx, RULE.tooManyAttributes)
  }

  limit(ctx, rule) {
    if (this.limits === 'error') {
      throw new CustomerioSecurityError('ERR_LIMIT_EXCEEDED', `a Customer.io limit is exceeded (${rule})`)
    }
    note(ctx, LIMIT, rule)
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

/** The size Customer.io counts: a string's bytes, or the JSON text of anything else. */
function valueBytes(value, limit) {
  if (typeof value === 'string') return value.length * 3 > limit ? Buffer.byteLength(value) : value.length
  if (value === null || typeof value !== 'object') return 0
  const text = JSON.stringify(value)
  return text === undefined ? 0 : text.length * 3 > limit ? Buffer.byteLength(text) : text.length
}

/** Values JSON.stringify would send as `{}` or as bytes: dropped, whatever their toJSON says. */
function unsupported(value) {
  return (
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof RegExp ||
    value instanceof Promise
  )
}

/**
 * Whether `value` is a boxed primitive, by its internal slot (Symbol.toStringTag cannot fake it).
 * The slot test is a native call that would cost plain objects, the common case, more than the
 * rest of their check: with Object.prototype or no prototype, only an object with an own `length`
 * is tested, which every String object has. So a String object, whose keys are its characters, is
 * always found; a Number or Boolean object re-prototyped that way is walked as the `{}` it then
 * looks like, which sends nothing of it.
 */
function isBoxed(value, proto) {
  if (proto === OBJECT_PROTOTYPE || proto === null) return hasOwn(value, 'length') && isStringObject(value)
  return isBoxedPrimitive(value)
}

/** A boxed primitive's primitive (`new String('x')` is 'x', as JSON.stringify sends it). */
function primitiveOf(boxed) {
  if (isStringObject(boxed)) return stringValue(boxed)
  if (isNumberObject(boxed)) return numberValue(boxed)
  if (isBooleanObject(boxed)) return booleanValue(boxed)
  if (isBigIntObject(boxed)) return bigintValue(boxed)
  return symbolValue(boxed)
}

module.exports = { Walker }
