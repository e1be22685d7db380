// Objects that decide their own JSON: Dates, objects with toJSON, boxed primitives. What leaves
// the process is JSON.stringify of the sanitized output, so each is sanitized as what
// JSON.stringify would make of it, and the output holds only plain data (nothing in it can decide
// anything later). Where the JSON path can see the same input (JSON.stringify of it), `both`
// checks that sanitizeJson agrees.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'

import { createSanitizer, sanitizeAttributes, secureTrackClient, CustomerioSecurityTypeError } from '../../index.js'
import { startFakeTrackApi } from '../helpers/fake-track-api.mjs'
import { sha256Hex } from '../helpers/sanitize-reference.mjs'
import { assertCoded, both } from '../helpers/sanitize-both.mjs'

const require = createRequire(import.meta.url)
const sanitizer = createSanitizer()
const SSN = '123-45-6789'
const CARD = 4111111111111111
const CANARY = 'CANARY-5e1b'
const ISO = '2024-05-06T07:08:09.010Z'

/** True when `value` holds nothing but JSON data: plain objects, arrays, strings, finite numbers... */
function plainData(value) {
  if (value === null || ['string', 'boolean', 'undefined'].includes(typeof value)) return true
  if (typeof value === 'number') return true
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype && value.every(plainData)
  if (typeof value !== 'object') return false
  return (
    Object.getPrototypeOf(value) === Object.prototype && !('toJSON' in value) && Object.values(value).every(plainData)
  )
}

/** sanitizeAttributes, sanitize and sanitizeWithReport give one output, made of plain data only. */
function sanitizeAll(input) {
  const { attributes, report } = sanitizer.sanitizeWithReport(input)
  assert.deepEqual(sanitizeAttributes(input), attributes)
  assert.deepEqual(sanitizer.sanitize(input), attributes)
  assert.ok(plainData(attributes), 'the output holds something other than plain data')
  return { attributes, report }
}

// --- Dates -----------------------------------------------------------------------------------

test('a real Date is sent as its ISO text, an invalid one as null, as JSON.stringify does', () => {
  const input = { created: new Date(ISO), list: [new Date(0), new Date(NaN)], invalid: new Date('nope') }
  const { attributes, report } = both(sanitizer, input)
  assert.deepEqual(attributes, { created: ISO, list: ['1970-01-01T00:00:00.000Z', null], invalid: null })
  assert.deepEqual(attributes, JSON.parse(JSON.stringify(input)))
  assert.deepEqual(report.changes, [])
  assert.deepEqual(sanitizeAll(input).attributes, attributes)
  // Extreme but valid time values keep their expanded-year text.
  const far = { far: new Date(8.64e15), before: new Date(-8.64e15) }
  assert.deepEqual(sanitizeAll(far).attributes, JSON.parse(JSON.stringify(far)))
})

test('a Date subclass whose toJSON returns an SSN: what it returns is scanned and redacted', () => {
  class Sneaky extends Date {
    toJSON() {
      return `ssn ${SSN}`
    }
  }
  const input = { when: new Sneaky(0), list: [new Sneaky(0)] }
  const { attributes, report } = both(sanitizer, input)
  assert.deepEqual(attributes, { when: 'ssn [REDACTED:us_ssn]', list: ['ssn [REDACTED:us_ssn]'] })
  assert.deepEqual(report.changes, [
    { path: 'when', action: 'redacted', rule: 'detector:us_ssn' },
    { path: 'list[0]', action: 'redacted', rule: 'detector:us_ssn' },
  ])
  assert.deepEqual(sanitizeAll(input), { attributes, report })
  assert.ok(!JSON.stringify(sanitizeAttributes(input)).includes(SSN))
})

test('a Date subclass without its own toJSON still goes through toJSON (its toISOString decides)', () => {
  class Sneaky extends Date {
    toISOString() {
      return SSN
    }
  }
  class Honest extends Date {}
  const input = { sneaky: new Sneaky(0), honest: new Honest(ISO) }
  const { attributes } = both(sanitizer, input)
  assert.deepEqual(attributes, { sneaky: '[REDACTED:us_ssn]', honest: ISO })
})

test('a Date with its own toJSON: what that returns, sanitized (an object is walked)', () => {
  const text = new Date(0)
  text.toJSON = () => SSN
  const object = new Date(0)
  Object.defineProperty(object, 'toJSON', { value: () => ({ ssn: SSN, plan: 'pro', note: `card ${CARD}` }) })
  const figure = new Date(0)
  figure.toJSON = () => CARD
  const input = { text, object, figure }
  const { attributes, report } = both(sanitizer, input)
  assert.deepEqual(attributes, {
    text: '[REDACTED:us_ssn]',
    object: { plan: 'pro', note: 'card [REDACTED:card_number]' },
  })
  assert.deepEqual(
    report.changes.map((c) => [c.path, c.rule]),
    [
      ['text', 'detector:us_ssn'],
      ['object.ssn', 'government_id'],
      ['object.note', 'detector:card_number'],
      ['figure', 'detector:card_number'],
    ],
  )
  assert.deepEqual(sanitizeAll(input), { attributes, report })
})

test('a patched Date.prototype.toJSON or toISOString does not change what a real Date becomes', () => {
  const { toJSON, toISOString } = Date.prototype
  const input = { when: new Date(ISO), list: [new Date(0)] }
  try {
    Date.prototype.toJSON = () => SSN
    Date.prototype.toISOString = () => SSN
    const output = sanitizeAll(input).attributes
    assert.deepEqual(output, { when: ISO, list: ['1970-01-01T00:00:00.000Z'] })
    // Raw, JSON.stringify would have sent the patched text: that is what the walker refuses to follow.
    assert.ok(JSON.stringify(input).includes(SSN))
  } finally {
    Date.prototype.toJSON = toJSON
    Date.prototype.toISOString = toISOString
  }
})

test('an object that only looks like a Date (Date.prototype, no time value) fails closed', () => {
  // Date.prototype.toJSON throws on it, as JSON.stringify would.
  const fake = Object.create(Date.prototype)
  assertCoded(() => sanitizer.sanitize({ when: fake }), 'ERR_READ_FAILED', { mentions: ['when'] })
})

// --- toJSON ----------------------------------------------------------------------------------

test('toJSON is called once, with the key JSON.stringify passes (array indexes as text)', () => {
  const calls = []
  const stamp = (tag) => ({
    toJSON(key) {
      calls.push([tag, key])
      return tag
    },
  })
  const input = { first: stamp('a'), list: [stamp('b'), stamp('c')], nested: { inner: stamp('d') } }
  const expected = []
  JSON.stringify(input)
  expected.push(...calls.splice(0))
  assert.deepEqual(sanitizer.sanitize(input), { first: 'a', list: ['b', 'c'], nested: { inner: 'd' } })
  assert.deepEqual(calls, expected)
  assert.deepEqual(calls, [
    ['a', 'first'],
    ['b', '0'],
    ['c', '1'],
    ['d', 'inner'],
  ])
})

test("toJSON's result goes through the rules: strings scanned, objects walked, boxed values unboxed", () => {
  const input = {
    text: { toJSON: () => `call ${SSN}` },
    object: { toJSON: () => ({ password: CANARY, contact: { phone: '+15550100' } }) },
    list: { toJSON: () => [SSN, 1] },
    boxed: { toJSON: () => new String(SSN) },
  }
  const { attributes } = both(sanitizer, input)
  assert.deepEqual(attributes, {
    text: 'call [REDACTED:us_ssn]',
    object: { contact: { phone_hash: sha256Hex('+15550100', 16) } },
    list: ['[REDACTED:us_ssn]', 1],
    boxed: '[REDACTED:us_ssn]',
  })
  assert.ok(!JSON.stringify(attributes).includes(CANARY))
  // undefined is kept as undefined, which JSON leaves out, as it leaves out the raw field.
  const gone = { gone: { toJSON: () => undefined }, plan: 'pro' }
  assert.equal(JSON.stringify(sanitizeAttributes(gone)), JSON.stringify(gone))
})

test("toJSON's result is not asked for its own toJSON again, as JSON.stringify does not", () => {
  let inner = 0
  const result = {
    plan: 'pro',
    toJSON() {
      inner++
      return SSN
    },
  }
  const input = { chained: { toJSON: () => result } }
  const sent = JSON.parse(JSON.stringify(input))
  assert.equal(inner, 0)
  const { attributes, report } = sanitizer.sanitizeWithReport(input)
  assert.equal(inner, 0)
  assert.deepEqual(attributes, sent)
  // Its toJSON field is a function: dropped and reported, where JSON.stringify drops it silently.
  assert.deepEqual(report.changes, [{ path: 'chained.toJSON', action: 'dropped', rule: 'unsupported_type' }])
})

test('a toJSON that throws: ERR_READ_FAILED naming the path, never the value; nothing returned', () => {
  const throwing = () => ({
    toJSON() {
      throw new Error(`no ${CANARY} ${SSN}`)
    },
  })
  const throwingDate = new (class extends Date {
    toJSON() {
      throw new Error(CANARY)
    }
  })(0)
  const cases = [
    [{ when: throwing() }, 'when'],
    [{ nested: { list: [1, throwing()] } }, 'nested.list[1]'],
    [{ phone: throwing() }, 'phone'],
    [{ phone: [throwing()] }, 'phone[0]'],
    [{ created: throwingDate }, 'created'],
  ]
  for (const [input, path] of cases) {
    for (const run of [
      () => sanitizer.sanitize(input),
      () => sanitizer.sanitizeWithReport(input),
      () => sanitizeAttributes(input),
    ]) {
      let returned
      const error = assertCoded(
        () => {
          returned = run()
        },
        'ERR_READ_FAILED',
        { secrets: [CANARY, SSN], mentions: [path] },
      )
      assert.equal(returned, undefined)
      assert.ok(error.cause instanceof Error)
    }
  }
})

test('a toJSON that returns its own object, or one holding it: ERR_CYCLE, at once', () => {
  let calls = 0
  const self = {
    ssn: SSN,
    toJSON() {
      calls++
      return this
    },
  }
  assertCoded(() => sanitizer.sanitize({ self }), 'ERR_CYCLE', { secrets: [SSN], mentions: ['self'] })
  assert.equal(calls, 1)
  const holder = {
    toJSON() {
      calls++
      return { inner: [this] }
    },
  }
  calls = 0
  assertCoded(() => sanitizer.sanitizeWithReport({ holder }), 'ERR_CYCLE', { mentions: ['holder.inner[0]'] })
  assert.equal(calls, 1)
  // Under a transforming rule too.
  calls = 0
  assertCoded(() => sanitizer.sanitize({ phone: self }), 'ERR_CYCLE', { secrets: [SSN] })
  assert.equal(calls, 1)
})

test('toJSON results that nest without end stop at maxDepth (no hang, no stack overflow)', () => {
  let calls = 0
  const endless = () => ({
    toJSON() {
      calls++
      return { next: endless() }
    },
  })
  assertCoded(() => sanitizer.sanitize({ start: endless() }), 'ERR_MAX_DEPTH')
  assert.ok(calls <= 64, `${calls} toJSON calls for maxDepth 64`)
  const shallow = createSanitizer({ maxDepth: 3 })
  calls = 0
  assertCoded(() => shallow.sanitizeWithReport({ start: endless() }), 'ERR_MAX_DEPTH')
  assert.ok(calls <= 3, `${calls} toJSON calls for maxDepth 3`)
  // The result of toJSON sits where the object was: the same depth as the JSON path counts.
  const twoLevels = { a: { toJSON: () => ({ b: 1 }) } }
  assert.deepEqual(createSanitizer({ maxDepth: 2 }).sanitize(twoLevels), { a: { b: 1 } })
  assert.equal(createSanitizer({ maxDepth: 2 }).sanitizeJson(JSON.stringify(twoLevels)), '{"a":{"b":1}}')
})

test('binary data keeps being dropped whatever its toJSON says (a Buffer would send its bytes)', () => {
  const blob = Buffer.from(SSN)
  const map = new Map([['ssn', SSN]])
  map.toJSON = () => ({ kept: SSN })
  const { attributes, report } = sanitizer.sanitizeWithReport({ blob, map, plan: 'pro' })
  assert.deepEqual(attributes, { plan: 'pro' })
  assert.deepEqual(
    report.changes.map((c) => c.rule),
    ['unsupported_type', 'unsupported_type'],
  )
})

// --- Boxed primitives ------------------------------------------------------------------------

test('boxed primitives are sent as their primitive and follow its rules', () => {
  const input = {
    text: new String(SSN),
    figure: new Number(CARD),
    count: new Number(42),
    flag: new Boolean(false),
    list: [new String(`ssn ${SSN}`), new Number(7)],
    plan: new String('pro'),
  }
  const { attributes, report } = both(sanitizer, input)
  assert.deepEqual(attributes, {
    text: '[REDACTED:us_ssn]',
    count: 42,
    flag: false,
    list: ['ssn [REDACTED:us_ssn]', 7],
    plan: 'pro',
  })
  assert.deepEqual(
    report.changes.map((c) => [c.path, c.action, c.rule]),
    [
      ['text', 'redacted', 'detector:us_ssn'],
      ['figure', 'dropped', 'detector:card_number'],
      ['list[0]', 'redacted', 'detector:us_ssn'],
    ],
  )
  assert.deepEqual(sanitizeAll(input), { attributes, report })
  // What the primitives themselves give.
  assert.deepEqual(sanitizer.sanitize({ text: SSN, figure: CARD }), { text: '[REDACTED:us_ssn]' })
})

test('a boxed BigInt is its decimal text, like a BigInt (JSON.stringify has none to compare with)', () => {
  const boxed = { big: Object(12345678901234567890n), figure: Object(378282246310005n), phone: Object(15550123n) }
  const primitive = { big: 12345678901234567890n, figure: 378282246310005n, phone: 15550123n }
  assert.deepEqual(sanitizeAll(boxed), sanitizeAll(primitive))
  assert.deepEqual(sanitizeAll(boxed).attributes, {
    big: '12345678901234567890',
    figure: '[REDACTED:card_number]',
    phone_hash: sha256Hex('15550123', 16),
  })
})

test('a boxed Symbol is dropped as unsupported, like a symbol', () => {
  const { attributes, report } = sanitizeAll({ kind: Object(Symbol(CANARY)), plan: 'pro' })
  assert.deepEqual(attributes, { plan: 'pro' })
  assert.deepEqual(report.changes, [{ path: 'kind', action: 'dropped', rule: 'unsupported_type' }])
})

test('unboxing reads the internal value: patched valueOf/toString, a swapped prototype or a fake tag change nothing', () => {
  const patched = new String(SSN)
  patched.valueOf = () => 'fine'
  patched.toString = () => 'fine'
  const reprototyped = Object.setPrototypeOf(new String(SSN), Object.prototype)
  const numberish = Object.setPrototypeOf(new Number(CARD), null)
  // A plain object claiming to be a String is walked as the object it is.
  const spoof = { [Symbol.toStringTag]: 'String', ssn: SSN, plan: 'pro' }
  assert.equal(Object.prototype.toString.call(spoof), '[object String]')
  const { attributes } = sanitizeAll({ patched, reprototyped, numberish, spoof })
  // A Number object without its prototype is walked as the object it looks like: `{}`, nothing of
  // the number is sent (a String object's characters would be: it is always unboxed).
  assert.deepEqual(attributes, {
    patched: '[REDACTED:us_ssn]',
    reprototyped: '[REDACTED:us_ssn]',
    numberish: {},
    spoof: { plan: 'pro' },
  })
  assert.ok(!JSON.stringify(attributes).includes(String(CARD)))
  const nullProto = Object.setPrototypeOf(new String(SSN), null)
  assert.deepEqual(sanitizeAll({ nullProto }).attributes, { nullProto: '[REDACTED:us_ssn]' })
  const { valueOf: originalValueOf } = String.prototype
  try {
    String.prototype.valueOf = () => 'fine'
    assert.deepEqual(sanitizeAll({ text: new String(SSN) }).attributes, { text: '[REDACTED:us_ssn]' })
  } finally {
    String.prototype.valueOf = originalValueOf
  }
})

test('a String object as the attributes themselves is refused (its keys would be its characters)', () => {
  const reprototyped = Object.setPrototypeOf(new String(SSN), Object.prototype)
  for (const attrs of [new String(SSN), reprototyped]) {
    for (const run of [() => sanitizeAttributes(attrs), () => sanitizer.sanitizeWithReport(attrs)]) {
      assertCoded(run, 'ERR_INVALID_ATTRIBUTES', { Class: CustomerioSecurityTypeError, secrets: [SSN] })
    }
  }
  // Other boxes have no keys of their own: nothing of them is sent, as before.
  assert.deepEqual(sanitizeAttributes(new Number(CARD)), {})
  assert.deepEqual(sanitizeAttributes(new Boolean(true)), {})
  // An object with an own `length` is an object like any other.
  assert.deepEqual(sanitizeAttributes({ length: 3, plan: 'pro' }), { length: 3, plan: 'pro' })
})

// --- Under rules -----------------------------------------------------------------------------

test('under a transforming rule, a boxed value, a Date or a toJSON value is transformed as its scalar', () => {
  const phone = '+15550100'
  const hashed = sha256Hex(phone, 16)
  const cases = [
    [new String(phone), hashed],
    [{ toJSON: () => phone }, hashed],
    [new Number(15550100), sha256Hex('15550100', 16)],
    [new Date(ISO), sha256Hex(ISO, 16)],
    [
      [new String(phone), { toJSON: () => phone }, 5],
      [hashed, hashed, sha256Hex('5', 16)],
    ],
    [{ toJSON: () => [phone, new String(phone)] }, [hashed, hashed]],
    [new Date(NaN), null],
  ]
  for (const [value, expected] of cases) {
    const { attributes, report } = both(sanitizer, { phone: value })
    assert.deepEqual(attributes, { phone_hash: expected })
    assert.deepEqual(sanitizeAll({ phone: value }), { attributes, report })
    assert.ok(report.changes.every((c) => c.action === 'hashed' && c.rule === 'phone'))
  }
  // The primitive itself, for comparison.
  assert.deepEqual(sanitizer.sanitize({ phone }), { phone_hash: hashed })
})

test('under a transforming rule, what is still an object after toJSON or unboxing is dropped as not_a_scalar', () => {
  const cases = [
    [{ phone: { toJSON: () => ({ number: '+15550100' }) } }, {}, ['phone']],
    [
      { phone: [{ toJSON: () => ({ number: '+15550100' }) }, '+15550100'] },
      { phone_hash: [sha256Hex('+15550100', 16)] },
      ['phone[0]'],
    ],
    [{ phone: Object(Symbol('x')) }, {}, ['phone']],
  ]
  for (const [input, expected, dropped] of cases) {
    const { attributes, report } = sanitizeAll(input)
    assert.deepEqual(attributes, expected)
    assert.deepEqual(
      report.changes.filter((c) => c.action === 'dropped'),
      dropped.map((path) => ({ path, action: 'dropped', rule: 'not_a_scalar' })),
    )
  }
})

test('mask, e164 and hmac rules take the unboxed or serialized scalar too', () => {
  const policy = createSanitizer({
    fields: { loyalty_id: { action: 'mask', keepLast: 4 }, mobile: 'e164', member: 'hmac' },
    pepper: { key: 'k'.repeat(32), keyId: 'test' },
  })
  const primitive = policy.sanitize({ loyalty_id: 'LOY-12345678', mobile: '+15550100123', member: 'm-1' })
  const boxed = policy.sanitize({
    loyalty_id: new String('LOY-12345678'),
    mobile: { toJSON: () => '+15550100123' },
    member: new String('m-1'),
  })
  assert.deepEqual(boxed, primitive)
  assert.deepEqual(both(policy, { loyalty_id: new String('LOY-12345678') }).attributes, {
    loyalty_id: primitive.loyalty_id,
  })
})

test('under keep, a boxed value or a Date is kept as its scalar, detectors skipped as for the primitive', () => {
  const policy = createSanitizer({ fields: { ref: 'keep' } })
  const { attributes } = both(policy, { ref: new String(SSN), when: { ref: new Date(ISO) } })
  assert.deepEqual(attributes, { ref: SSN, when: { ref: ISO } })
  assert.deepEqual(policy.sanitize({ ref: SSN }), { ref: SSN })
  // An object from toJSON under keep is still walked: a kept name carries no never-send field.
  assert.deepEqual(policy.sanitize({ ref: { toJSON: () => ({ ssn: SSN, ok: 1 }) } }), { ref: { ok: 1 } })
})

test('the input is never modified, and a Date in it stays a Date', () => {
  const when = new Date(ISO)
  const boxed = new String(SSN)
  const input = { when, boxed, list: [when], phone: new String('+15550100') }
  sanitizer.sanitize(input)
  sanitizer.sanitizeWithReport(input)
  assert.equal(input.when, when)
  assert.ok(input.when instanceof Date)
  assert.equal(input.when.getTime(), Date.parse(ISO))
  assert.equal(input.boxed, boxed)
  assert.deepEqual(Object.keys(input), ['when', 'boxed', 'list', 'phone'])
})

// --- Through secureTrackClient ---------------------------------------------------------------

const NODE_MAJOR = Number(process.versions.node.split('.')[0])

describe('secureTrackClient (customerio-node 5, real HTTP to the fake Track API)', {
  skip: NODE_MAJOR < 22 ? 'customerio-node 5 needs Node >= 22' : false,
}, () => {
  let api
  let TrackClient

  before(async () => {
    ;({ TrackClient } = require('customerio-node'))
    api = await startFakeTrackApi()
  })
  after(() => api.close())

  class Sneaky extends Date {
    toJSON() {
      return `ssn ${SSN}`
    }
  }

  function attributes() {
    return {
      created: new Date(ISO),
      invalid: new Date(NaN),
      sneaky: new Sneaky(0),
      text: new String(SSN),
      figure: new Number(CARD),
      phone: new String('+15550100'),
      plan: new String('pro'),
    }
  }

  const EXPECTED = {
    created: ISO,
    invalid: null,
    sneaky: 'ssn [REDACTED:us_ssn]',
    text: '[REDACTED:us_ssn]',
    phone_hash: sha256Hex('+15550100', 16),
    plan: 'pro',
  }

  test('identify and track send what sanitizeAttributes returns: no SSN, no card, the Date as ISO text', async () => {
    const cio = secureTrackClient(
      new TrackClient(api.siteId, api.apiKey, { url: api.trackUrl, retry: { maxRetries: 0 } }),
    )
    await cio.identify('42', attributes())
    await cio.track('42', { name: 'renewed', data: attributes() })
    const [identify, track] = api.requests
    assert.deepEqual(identify.json, EXPECTED)
    assert.deepEqual(identify.json, sanitizeAttributes(attributes()))
    assert.deepEqual(track.json, { name: 'renewed', data: EXPECTED })
    const sent = api.receivedText()
    assert.ok(!sent.includes(SSN), 'an SSN was sent')
    assert.ok(!sent.includes(String(CARD)), 'a card number was sent')
  })

  test('a toJSON that throws rejects the call and nothing is sent', async () => {
    const cio = secureTrackClient(
      new TrackClient(api.siteId, api.apiKey, { url: api.trackUrl, retry: { maxRetries: 0 } }),
    )
    const before = api.requests.length
    const when = {
      toJSON() {
        throw new Error(`${CANARY} ${SSN}`)
      },
    }
    await assert.rejects(cio.identify('42', { plan: 'pro', when }), (error) => {
      assert.equal(error.code, 'ERR_READ_FAILED')
      assert.ok(error.message.includes('when'), error.message)
      assert.ok(!error.message.includes(CANARY) && !error.message.includes(SSN))
      return true
    })
    assert.equal(api.requests.length, before)
  })
})
