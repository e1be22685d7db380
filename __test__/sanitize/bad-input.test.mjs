// Inputs a sanitizer must survive: cycles, deep nesting, prototype keys, exotic values, getters
// and proxies that throw, malformed JSON and API misuse. Every error is checked for a stable
// string `code`, the package prefix and the absence of any value from the input.
import { test } from 'node:test'
import assert from 'node:assert/strict'

import {
  createSanitizer,
  sanitizeAttributes,
  CustomerioSecurityError,
  CustomerioSecurityTypeError,
} from '../../index.js'
import { sha256Hex } from '../helpers/sanitize-reference.mjs'
import { assertCoded, both } from '../helpers/sanitize-both.mjs'

const sanitizer = createSanitizer()
const CANARY = 'CANARY-9d2f'

/** `levels` nested objects, the top one included: nestedObjects(2) is { a: {} }. */
function nestedObjects(levels) {
  const top = {}
  let node = top
  for (let i = 1; i < levels; i++) {
    node.a = {}
    node = node.a
  }
  node.leaf = CANARY
  return top
}

/** A top-level object holding `levels - 1` nested arrays: nestedArrays(3) is { a: [[CANARY]] }. */
function nestedArrays(levels) {
  let node = [CANARY]
  for (let i = 2; i < levels; i++) node = [node]
  return { a: node }
}

const jsonObjects = (levels) => '{"a":'.repeat(levels - 1) + '{}' + '}'.repeat(levels - 1)
const jsonArrays = (levels) => '{"a":' + '['.repeat(levels - 1) + ']'.repeat(levels - 1) + '}'

// --- Cycles ----------------------------------------------------------------------------------

test('cycles: ERR_CYCLE for an object that holds itself, directly or through others', () => {
  const direct = { name: CANARY }
  direct.self = direct
  const a = { name: CANARY }
  a.b = { c: { back: a } }
  const viaArray = { list: [] }
  viaArray.list.push({ owner: viaArray })
  for (const input of [direct, a, viaArray]) {
    const error = assertCoded(() => sanitizer.sanitize(input), 'ERR_CYCLE', {
      Class: CustomerioSecurityError,
      secrets: [CANARY],
    })
    assert.ok(!error.message.includes('[object'), error.message)
  }
})

test('cycles: ERR_CYCLE for an array that holds itself, directly or indirectly', () => {
  const direct = [CANARY]
  direct.push(direct)
  const outer = [CANARY]
  outer.push([{ again: outer }])
  for (const list of [direct, outer]) {
    assertCoded(() => sanitizer.sanitize({ list }), 'ERR_CYCLE', { secrets: [CANARY] })
    assertCoded(() => sanitizer.sanitizeWithReport({ list }), 'ERR_CYCLE', { secrets: [CANARY] })
  }
})

test('cycles: the error names where the cycle closes', () => {
  const a = { b: { c: {} } }
  a.b.c.back = a
  const error = assertCoded(() => sanitizer.sanitize(a), 'ERR_CYCLE')
  assert.ok(error.message.includes('b.c.back'), error.message)
})

test('shared references that are not cycles are fine, and each copy is sanitized', () => {
  const shared = { ssn: '123-45-6789', plan: 'pro' }
  const list = [shared, shared]
  const output = sanitizer.sanitize({ x: shared, y: shared, list, again: list })
  assert.deepEqual(output, {
    x: { plan: 'pro' },
    y: { plan: 'pro' },
    list: [{ plan: 'pro' }, { plan: 'pro' }],
    again: [{ plan: 'pro' }, { plan: 'pro' }],
  })
})

// --- Depth -----------------------------------------------------------------------------------

test('depth: exactly 64 levels pass, 65 throw ERR_MAX_DEPTH (objects and arrays, both entry points)', () => {
  both(sanitizer, nestedObjects(64))
  both(sanitizer, nestedArrays(64))
  assert.equal(sanitizer.sanitizeJson(jsonObjects(64)), jsonObjects(64))
  assert.equal(sanitizer.sanitizeJson(jsonArrays(64)), jsonArrays(64))
  for (const input of [nestedObjects(65), nestedArrays(65)]) {
    assertCoded(() => sanitizer.sanitize(input), 'ERR_MAX_DEPTH', { Class: CustomerioSecurityError, secrets: [CANARY] })
    assertCoded(() => sanitizer.sanitizeJson(JSON.stringify(input)), 'ERR_MAX_DEPTH', { secrets: [CANARY] })
  }
  assertCoded(() => sanitizer.sanitizeJson(jsonObjects(65)), 'ERR_MAX_DEPTH')
  assertCoded(() => sanitizer.sanitizeJson(jsonArrays(65)), 'ERR_MAX_DEPTH')
})

test('depth: 100000 levels give a coded error, never a RangeError', () => {
  const attempts = [
    () => sanitizer.sanitize(nestedObjects(100_000)),
    () => sanitizer.sanitize(nestedArrays(100_000)),
    () => sanitizer.sanitizeJson(jsonObjects(100_000)),
    () => sanitizer.sanitizeJson(jsonArrays(100_000)),
    () => sanitizer.sanitizeJson(Buffer.from(jsonArrays(100_000))),
    // Under rules that drop or hash the field, the JSON walk still has to read through it.
    () => sanitizer.sanitizeJson('{"phone":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'),
    () => sanitizer.sanitizeJson('{"ssn":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}'),
    // Unbalanced: deep and never closed.
    () => sanitizer.sanitizeJson('['.repeat(100_000)),
  ]
  for (const attempt of attempts) assertCoded(attempt, 'ERR_MAX_DEPTH', { Class: CustomerioSecurityError })
})

test('depth: maxDepth sets the limit for both entry points', () => {
  const shallow = createSanitizer({ maxDepth: 3 })
  both(shallow, nestedObjects(3))
  both(shallow, nestedArrays(3))
  assertCoded(() => shallow.sanitize(nestedObjects(4)), 'ERR_MAX_DEPTH', { mentions: ['3'] })
  assertCoded(() => shallow.sanitize(nestedArrays(4)), 'ERR_MAX_DEPTH')
  assertCoded(() => shallow.sanitizeJson(jsonObjects(4)), 'ERR_MAX_DEPTH')
  // limits off: 512 levels of JSON exceed the 1000-byte value limit, and limits are not the subject.
  const deep = createSanitizer({ maxDepth: 512, limits: 'off' })
  both(deep, nestedObjects(512))
  assertCoded(() => deep.sanitize(nestedObjects(513)), 'ERR_MAX_DEPTH')
  assertCoded(() => deep.sanitizeJson(jsonArrays(513)), 'ERR_MAX_DEPTH')
})

// --- Prototype keys --------------------------------------------------------------------------

/** The deep merge an application might apply to the sanitized output: the classic pollution sink. */
function naiveMerge(target, source) {
  for (const key in source) {
    if (source[key] !== null && typeof source[key] === 'object') {
      if (target[key] === undefined || target[key] === null) target[key] = {}
      naiveMerge(target[key], source[key])
    } else {
      target[key] = source[key]
    }
  }
  return target
}

const POLLUTING_JSON = [
  '{"__proto__":{"polluted":"yes"},"plan":"pro"}',
  '{"constructor":{"prototype":{"polluted":"yes"}},"plan":"pro"}',
  '{"profile":{"__proto__":{"polluted":"yes"}},"plan":"pro"}',
  '{"list":[{"constructor":{"prototype":{"polluted":"yes"}}}],"plan":"pro"}',
  '{"prototype":{"polluted":"yes"},"plan":"pro"}',
]

test('__proto__, constructor and prototype keys are dropped and pollute nothing', () => {
  try {
    // The merge sink does pollute when fed the raw payload: the test would notice a leak.
    naiveMerge({}, JSON.parse(POLLUTING_JSON[1]))
    assert.equal({}.polluted, 'yes')
    delete Object.prototype.polluted
    assert.equal({}.polluted, undefined)

    for (const json of POLLUTING_JSON) {
      const viaObject = sanitizer.sanitizeWithReport(JSON.parse(json))
      const viaJson = JSON.parse(sanitizer.sanitizeJson(json))
      for (const output of [viaObject.attributes, viaJson]) {
        assert.ok(!JSON.stringify(output).includes('polluted'), json)
        assert.equal(Object.getPrototypeOf(output), Object.prototype)
        naiveMerge({}, output)
        Object.assign({}, output)
        assert.equal({}.polluted, undefined, json)
      }
      assert.ok(viaObject.report.changes.every((c) => c.action === 'dropped' && c.rule === 'prototype_key'))
      assert.equal(viaObject.report.changes.length, 1)
    }
  } finally {
    delete Object.prototype.polluted
  }
})

test('an own __proto__ made with Object.defineProperty is dropped too', () => {
  const input = { plan: 'pro' }
  Object.defineProperty(input, '__proto__', {
    value: { polluted: 'yes' },
    enumerable: true,
    writable: true,
    configurable: true,
  })
  assert.ok(Object.keys(input).includes('__proto__'))
  const { attributes, report } = sanitizer.sanitizeWithReport(input)
  assert.deepEqual(attributes, { plan: 'pro' })
  assert.ok(!Object.hasOwn(attributes, '__proto__'))
  assert.deepEqual(report.changes, [{ path: '__proto__', action: 'dropped', rule: 'prototype_key' }])
  assert.equal({}.polluted, undefined)
})

test('prototype keys stay forbidden even when a policy names or allows them', () => {
  const policy = createSanitizer({ fields: { constructor: 'keep' }, allow: ['__proto__', 'plan'] })
  const input = JSON.parse(
    '{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},"plan":"pro"}',
  )
  assert.deepEqual(both(policy, input).attributes, { plan: 'pro' })
  assert.equal({}.polluted, undefined)
})

// --- Value types -----------------------------------------------------------------------------

test('Dates become their ISO text, what JSON sends for them (an output Date could not decide later)', () => {
  const when = new Date('2024-05-06T07:08:09.010Z')
  const output = sanitizer.sanitize({ created: when, list: [when] })
  assert.deepEqual(output, { created: '2024-05-06T07:08:09.010Z', list: ['2024-05-06T07:08:09.010Z'] })
  assert.deepEqual(output, JSON.parse(JSON.stringify({ created: when, list: [when] })))
  assert.equal(sanitizer.sanitizeJson(JSON.stringify({ created: when })), '{"created":"2024-05-06T07:08:09.010Z"}')
})

test('Buffers, typed arrays, ArrayBuffers, Maps, Sets, RegExps are dropped and reported unsupported_type', () => {
  const secret = Buffer.from(CANARY)
  const input = {
    buffer: secret,
    bytes: new Uint8Array(secret),
    view: new DataView(new ArrayBuffer(4)),
    raw: secret.buffer.slice(0),
    map: new Map([['ssn', CANARY]]),
    set: new Set([CANARY]),
    pattern: new RegExp(CANARY),
    weak: new WeakMap(),
    nested: { list: [new Float64Array(2), 'ok'] },
    plan: 'pro',
  }
  const { attributes, report } = sanitizer.sanitizeWithReport(input)
  assert.deepEqual(attributes, { nested: { list: ['ok'] }, plan: 'pro' })
  assert.deepEqual(
    report.changes.map((c) => [c.path, c.action, c.rule]),
    ['buffer', 'bytes', 'view', 'raw', 'map', 'set', 'pattern', 'weak', 'nested.list[0]'].map((path) => [
      path,
      'dropped',
      'unsupported_type',
    ]),
  )
})

test('BigInts become their decimal text, then follow the rules for strings', () => {
  const output = sanitizer.sanitize({ count: 12345678901234567890n, phone: 15550123n, small: -5n })
  assert.deepEqual(output, { count: '12345678901234567890', phone_hash: sha256Hex('15550123', 16), small: '-5' })
  // A card number as a BigInt is a string to the detectors, so it is redacted.
  assert.deepEqual(sanitizer.sanitize({ n: 378282246310005n }), { n: '[REDACTED:card_number]' })
})

test('class instances are walked as plain objects: own enumerable fields only, plain output', () => {
  class Customer {
    // biome-ignore lint/correctness/noUnusedPrivateClassMembers: a private field the walk must not see
    #hidden = CANARY
    constructor() {
      this.name = 'Jo'
      this.ssn = CANARY
      this.phone = '+15550100'
    }
    get computed() {
      return CANARY
    }
  }
  const output = sanitizer.sanitize({ customer: new Customer() })
  assert.deepEqual(output, { customer: { name: 'Jo', phone_hash: sha256Hex('+15550100', 16) } })
  assert.equal(Object.getPrototypeOf(output.customer), Object.prototype)
  assert.ok(!JSON.stringify(output).includes(CANARY))
})

test('objects with toJSON are sanitized as what toJSON returns', () => {
  const money = { amount: 5, toJSON: () => '5.00 USD' }
  const leaky = { toJSON: () => ({ ssn: CANARY, note: 'card 4111 1111 1111 1111', plan: 'pro' }) }
  const asText = { toJSON: () => 'ssn 123-45-6789' }
  const output = sanitizer.sanitize({ money, leaky, asText })
  assert.deepEqual(output, {
    money: '5.00 USD',
    leaky: { note: 'card [REDACTED:card_number]', plan: 'pro' },
    asText: 'ssn [REDACTED:us_ssn]',
  })
  // What JSON.stringify would send, sanitized the same way by the JSON walk.
  assert.deepEqual(JSON.parse(sanitizer.sanitizeJson(JSON.stringify({ money, leaky, asText }))), output)
})

test('Symbols as values and functions are dropped and reported; symbol keys are ignored', () => {
  const input = { plan: 'pro', kind: Symbol(CANARY), [Symbol('ssn')]: CANARY, callback() {}, list: [Symbol('x'), 1] }
  const { attributes, report } = sanitizer.sanitizeWithReport(input)
  assert.deepEqual(attributes, { plan: 'pro', list: [1] })
  assert.equal(Object.getOwnPropertySymbols(attributes).length, 0)
  assert.deepEqual(report.changes, [
    { path: 'kind', action: 'dropped', rule: 'unsupported_type' },
    { path: 'callback', action: 'dropped', rule: 'unsupported_type' },
    { path: 'list[0]', action: 'dropped', rule: 'unsupported_type' },
  ])
})

// --- Reads that fail -------------------------------------------------------------------------

test('a getter that throws: ERR_READ_FAILED naming the path, not the value; nothing returned', () => {
  const profile = { plan: 'pro' }
  Object.defineProperty(profile, 'balance', {
    enumerable: true,
    get() {
      throw new Error(`cannot read ${CANARY}`)
    },
  })
  let returned
  const error = assertCoded(
    () => {
      returned = sanitizer.sanitizeWithReport({ email: 'jo@example.com', profile })
    },
    'ERR_READ_FAILED',
    { Class: CustomerioSecurityError, secrets: [CANARY], mentions: ['profile.balance'] },
  )
  assert.equal(returned, undefined)
  assert.ok(error.cause instanceof Error, 'the original error is kept as the cause, for debugging')
})

test('a toJSON that throws: ERR_READ_FAILED', () => {
  const input = {
    when: {
      toJSON: () => {
        throw new Error(CANARY)
      },
    },
  }
  assertCoded(() => sanitizer.sanitize(input), 'ERR_READ_FAILED', { secrets: [CANARY], mentions: ['when'] })
})

test('a Proxy whose ownKeys throws: a coded error, at any depth', () => {
  const hostile = new Proxy(
    {},
    {
      ownKeys: () => {
        throw new Error(CANARY)
      },
    },
  )
  assertCoded(() => sanitizer.sanitize({ nested: { hostile } }), 'ERR_READ_FAILED', {
    secrets: [CANARY],
    mentions: ['nested.hostile'],
  })
  assertCoded(() => sanitizer.sanitize(hostile), 'ERR_READ_FAILED', { secrets: [CANARY] })
  const getter = new Proxy(
    { a: 1 },
    {
      get: () => {
        throw new Error(CANARY)
      },
    },
  )
  assertCoded(() => sanitizer.sanitize({ getter }), 'ERR_READ_FAILED', { secrets: [CANARY] })
})

test('a revoked Proxy nested inside the attributes: ERR_READ_FAILED', () => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  assertCoded(() => sanitizer.sanitize({ proxy }), 'ERR_READ_FAILED')
})

test('a revoked Proxy as the attributes themselves: a coded error', () => {
  const { proxy, revoke } = Proxy.revocable({}, {})
  revoke()
  const error = assertCoded(() => sanitizer.sanitize(proxy), 'ERR_READ_FAILED')
  assert.ok(error instanceof CustomerioSecurityError)
})

test('the input is never modified', () => {
  const input = {
    email: 'jo@example.com',
    phone: '+15550100',
    ssn: '123-45-6789',
    note: 'card 4111 1111 1111 1111',
    when: new Date(0),
    big: 10n,
    billing: { card_number: '4111111111111111', address: '1 Main St', list: [1, 'two', { ip: '203.0.113.7' }] },
    contacts: [{ phoneNumber: ['+15550101', 15550102] }, null],
  }
  const before = structuredClone(input)
  sanitizer.sanitize(input)
  sanitizer.sanitizeWithReport(input)
  createSanitizer({ preset: 'customerio', sms: true, fields: { email: 'mask' } }).sanitize(input)
  assert.deepEqual(input, before)
})

// --- sanitizeJson input ----------------------------------------------------------------------

test('sanitizeJson: invalid JSON throws ERR_INVALID_JSON without echoing the text', () => {
  const bad = [
    '',
    '   ',
    `{"a":"${CANARY}"`,
    `{"a":"${CANARY}",}`,
    `{'a':'${CANARY}'}`,
    `{"a":${CANARY}}`,
    `{"a":"${CANARY}"} trailing`,
    `{"a":"\\q${CANARY}"}`,
    `{"a":"${CANARY}\u0001"}`,
    `{"a":01}`,
    '\ufeff{}',
    'nul',
  ]
  for (const text of bad) {
    assertCoded(() => sanitizer.sanitizeJson(text), 'ERR_INVALID_JSON', {
      Class: CustomerioSecurityError,
      secrets: [CANARY],
    })
    assertCoded(() => sanitizer.sanitizeJson(Buffer.from(text)), 'ERR_INVALID_JSON', { secrets: [CANARY] })
  }
})

test('sanitizeJson: bytes that are not UTF-8 throw ERR_INVALID_JSON, even under a dropped key', () => {
  const cases = [
    Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xff]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"'), Buffer.from([0xc3, 0x28]), Buffer.from('":1}')]),
    // An encoded surrogate (CESU-8) is not UTF-8.
    Buffer.concat([Buffer.from('{"note":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"ssn":"'), Buffer.from([0xff]), Buffer.from('"}')]),
    Buffer.concat([Buffer.from('{"ssn":"\\n'), Buffer.from([0xfe]), Buffer.from('"}')]),
  ]
  for (const bytes of cases) {
    assertCoded(() => sanitizer.sanitizeJson(bytes), 'ERR_INVALID_JSON', { Class: CustomerioSecurityError })
  }
})

test('sanitizeJson: a top-level number, string or array is sanitized by the same rules', () => {
  assert.equal(sanitizer.sanitizeJson('123'), '123')
  assert.equal(sanitizer.sanitizeJson('"ssn 123-45-6789"'), '"ssn [REDACTED:us_ssn]"')
  // A card number alone: there is nothing to send, and null is what goes out.
  assert.equal(sanitizer.sanitizeJson('378282246310005'), 'null')
  assert.equal(
    sanitizer.sanitizeJson('[{"ssn":"1"},{"phone":"+15550100"},"x"]'),
    `[{},{"phone_hash":"${sha256Hex('+15550100', 16)}"},"x"]`,
  )
  // NDJSON exports are arrays of records; the object API still wants an object.
  assertCoded(() => sanitizer.sanitize([{ ssn: '1' }]), 'ERR_INVALID_ATTRIBUTES')
})

test('sanitizeJson: duplicate keys are each sanitized, none passes raw', () => {
  const out = sanitizer.sanitizeJson(
    `{"phone":"${CANARY}-1","phone":"${CANARY}-2","ssn":"${CANARY}","SSN":"${CANARY}"}`,
  )
  assert.equal(out, `{"phone_hash":"${sha256Hex(`${CANARY}-1`, 16)}","phone_hash":"${sha256Hex(`${CANARY}-2`, 16)}"}`)
  const twice = sanitizer.sanitizeJson('{"__proto__":{"a":1},"__proto__":{"polluted":"yes"},"plan":"pro"}')
  assert.equal(twice, '{"plan":"pro"}')
})

// --- API misuse ------------------------------------------------------------------------------

test('attributes that are not an object: ERR_INVALID_ATTRIBUTES TypeError', () => {
  for (const attrs of [null, undefined, [], ['a'], 'phone', 42, true]) {
    for (const call of [
      () => sanitizeAttributes(attrs),
      () => sanitizer.sanitize(attrs),
      () => sanitizer.sanitizeWithReport(attrs),
    ]) {
      assertCoded(call, 'ERR_INVALID_ATTRIBUTES', { Class: CustomerioSecurityTypeError })
      assert.throws(call, TypeError)
    }
  }
})

test('sanitizeJson of something that is not text: ERR_INVALID_JSON_INPUT TypeError', () => {
  for (const input of [123, null, undefined, { a: 1 }, [1], new ArrayBuffer(2)]) {
    assertCoded(() => sanitizer.sanitizeJson(input), 'ERR_INVALID_JSON_INPUT', { Class: CustomerioSecurityTypeError })
    assertCoded(() => sanitizer.sanitizeJsonWithReport(input), 'ERR_INVALID_JSON_INPUT', { Class: TypeError })
  }
})

test('a Uint8Array in gives a Buffer out; a string gives a string', () => {
  const bytes = new TextEncoder().encode('{"phone":"+15550100"}')
  const out = sanitizer.sanitizeJson(bytes)
  assert.ok(Buffer.isBuffer(out))
  assert.equal(out.toString(), `{"phone_hash":"${sha256Hex('+15550100', 16)}"}`)
  assert.equal(typeof sanitizer.sanitizeJson('{}'), 'string')
})
