// fast-check arbitraries for values of every JS type that a caller could hand an entry point:
// fc.anything() plus what it never makes (Buffers and views at odd offsets, detached and shared
// buffers, Symbols, functions, Proxies, revoked Proxies, getters and traps that throw, huge and
// ill-formed strings, deep nesting).
//
// fast-check itself probes every generated value (`cloneMethod in value`) and prints failing
// ones, which a revoked Proxy or a throwing trap would break. So such values are generated as
// Lazy placeholders, and the property calls materialize() on its arguments: that builds each one
// fresh for the run (a detached or revoked value is never shared between runs).
import fc from 'fast-check'

/** What our own getters and Proxy traps throw: the one error an entry point may pass through. */
export class CallerError extends Error {}

class Lazy {
  constructor(label, make) {
    this.label = label
    this.make = make
  }

  [fc.toStringMethod]() {
    return `<${this.label}>`
  }
}

const lazy = (label, make) => new Lazy(label, make)

/** Replaces every Lazy placeholder in `value` (and in arrays and plain objects holding one). */
export function materialize(value, depth = 0) {
  if (value instanceof Lazy) return value.make()
  if (depth > 4 || value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) {
    // map keeps holes, so sparse arrays stay sparse.
    const out = value.map((item) => materialize(item, depth + 1))
    return out.some((item, i) => item !== value[i]) ? out : value
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) return value
  let changed = false
  const out = {}
  for (const [key, item] of Object.entries(value)) {
    const made = materialize(item, depth + 1)
    changed ||= made !== item
    // defineProperty: a '__proto__' key stays a key.
    Object.defineProperty(out, key, { value: made, enumerable: true, writable: true, configurable: true })
  }
  return changed ? out : value
}

const throwCaller = () => {
  throw new CallerError('thrown by the caller')
}

/** fc.anything() with every option it has switched on, kept shallow so runs stay fast. */
export const plain = fc.anything({
  maxDepth: 3,
  maxKeys: 5,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
})

const bytes = fc.uint8Array({ maxLength: 64 })

function detached(make) {
  const buffer = new ArrayBuffer(16)
  const value = make(buffer)
  structuredClone(buffer, { transfer: [buffer] })
  return value
}

/** Byte containers of every kind, including the ones napi cannot read directly. */
export const binary = fc.oneof(
  bytes,
  bytes.map((u) => Buffer.from(u)),
  bytes.map((u) => Buffer.concat([Buffer.from([1, 2, 3]), Buffer.from(u)]).subarray(3)),
  bytes.map((u) => new Uint16Array(u.buffer.slice(0, u.length & ~1))),
  bytes.map((u) => new Float64Array(u.buffer.slice(0, u.length & ~7))),
  bytes.map((u) => new BigInt64Array(u.buffer.slice(0, u.length & ~7))),
  bytes.map((u) => new DataView(u.buffer, Math.min(1, u.length))),
  bytes.map((u) => u.buffer),
  fc.tuple(bytes, fc.boolean()).map(([u, view]) => {
    const shared = new SharedArrayBuffer(u.length)
    new Uint8Array(shared).set(u)
    return view ? new Uint8Array(shared) : shared
  }),
  fc
    .constantFrom('array-buffer', 'uint8', 'data-view')
    .map((kind) =>
      lazy(`detached ${kind}`, () =>
        detached((buffer) =>
          kind === 'uint8' ? new Uint8Array(buffer) : kind === 'data-view' ? new DataView(buffer) : buffer,
        ),
      ),
    ),
)

/** Strings a header or body could hold, and some no header could. */
export const strings = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 80 }),
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.stringMatching(/^[0-9a-fA-F]{64}$/),
  fc.stringMatching(/^[0-9]{1,13}$/),
  fc.constantFrom('', ' ', '\u0000', '\ud800', '\udc00\ud800', 'v0=', '__proto__', 'constructor', 'toString'),
  fc.constantFrom(1, 64, 1 << 20).map((n) => 'a'.repeat(n)),
  fc.constant('\ud83d'.repeat(1 << 16)),
)

/** Deep arrays and objects, past every depth limit (too deep for fast-check to print). */
export const deep = fc.tuple(fc.integer({ min: 1, max: 5000 }), fc.boolean()).map(([levels, arrays]) =>
  lazy(`${levels} nested ${arrays ? 'arrays' : 'objects'}`, () => {
    let node = arrays ? [] : {}
    for (let i = 0; i < levels; i++) node = arrays ? [node] : { a: node }
    return node
  }),
)

const throwingHandler = {
  get: throwCaller,
  has: throwCaller,
  ownKeys: throwCaller,
  getOwnPropertyDescriptor: throwCaller,
  getPrototypeOf: throwCaller,
}

/** Functions, Symbols, and Proxies: transparent, with throwing traps, and revoked. */
export const exotic = fc.oneof(
  fc.string({ maxLength: 8 }).map((s) => Symbol(s)),
  fc.constant(Symbol.iterator),
  fc.func(plain),
  fc.constant(throwCaller),
  fc.oneof(plain, binary).map((target) =>
    lazy('transparent Proxy', () => {
      const made = materialize(target)
      return Object(made) === made ? new Proxy(made, {}) : made
    }),
  ),
  fc
    .constantFrom('object', 'array', 'buffer')
    .map((kind) =>
      lazy(
        `${kind} Proxy with throwing traps`,
        () => new Proxy(kind === 'array' ? [] : kind === 'buffer' ? Buffer.from('{}') : {}, throwingHandler),
      ),
    ),
  fc.constantFrom('object', 'array', 'buffer').map((kind) =>
    lazy(`revoked ${kind} Proxy`, () => {
      const { proxy, revoke } = Proxy.revocable(kind === 'array' ? [] : kind === 'buffer' ? Buffer.from('x') : {}, {})
      revoke()
      return proxy
    }),
  ),
  fc
    .dictionary(fc.string({ maxLength: 6 }), plain, { maxKeys: 3 })
    .map((object) =>
      lazy('object with a throwing getter', () =>
        Object.defineProperty({ ...object }, 'email', { get: throwCaller, enumerable: true }),
      ),
    ),
  fc.constant(
    lazy('array with a throwing element getter', () =>
      Object.defineProperty([1, 2], 1, { get: throwCaller, enumerable: true }),
    ),
  ),
  fc.constant(lazy('throwing toJSON', () => ({ toJSON: throwCaller }))),
  fc.constant(
    lazy('throwing conversions', () => ({
      [Symbol.toPrimitive]: throwCaller,
      toString: throwCaller,
      valueOf: throwCaller,
    })),
  ),
)

/** Anything at all. */
export const hostile = fc.oneof(plain, binary, strings, exotic, deep)

/**
 * An options object whose keys take `fields` arbitraries, any of them missing, sometimes with a
 * throwing getter in place of one key, or wrapped in a Proxy.
 */
export function optionsOf(fields) {
  return fc
    .tuple(
      fc.record(fields, { requiredKeys: [] }),
      fc.option(fc.constantFrom(...Object.keys(fields)), { nil: undefined }),
      fc.boolean(),
    )
    .map(([options, throwingKey, proxied]) =>
      lazy(
        `options ${JSON.stringify(Object.keys(options))}${throwingKey ? `, ${throwingKey} throws` : ''}${proxied ? ', in a Proxy' : ''}`,
        () => {
          const made = { ...materialize(options) }
          if (throwingKey !== undefined)
            Object.defineProperty(made, throwingKey, { get: throwCaller, enumerable: true })
          return proxied ? new Proxy(made, {}) : made
        },
      ),
    )
}
