// The generated webhook event types (types/events.d.ts) and fixtures: every event Customer.io
// documents has a type and a fixture, the checked-in output matches its generator, and strict
// TypeScript accepts every fixture as its type and narrows CustomerioEvent on object_type/metric.

import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'

import ts from 'typescript'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const TYPES_FILE = path.join(ROOT, 'types/events.d.ts')
const FIXTURES = path.join(ROOT, '__test__/fixtures')
const SPEC_FILE = path.join(ROOT, 'scripts/openapi/customerio-reporting-webhooks.json')

// object_type x metric, from Customer.io's docs (kept in docs/design/customerio-reporting-events.md):
// an oracle independent of the spec the generator reads.
const FACT_PAIRS = {
  customer: ['subscribed', 'unsubscribed', 'cio_subscription_preferences_changed'],
  email: [
    'drafted',
    'attempted',
    'sent',
    'delivered',
    'opened',
    'clicked',
    'converted',
    'unsubscribed',
    'bounced',
    'dropped',
    'spammed',
    'failed',
    'undeliverable',
  ],
  push: [
    'drafted',
    'attempted',
    'sent',
    'delivered',
    'opened',
    'clicked',
    'converted',
    'bounced',
    'dropped',
    'failed',
    'undeliverable',
  ],
  in_app: ['drafted', 'attempted', 'sent', 'opened', 'clicked', 'converted', 'failed', 'undeliverable'],
  sms: [
    'drafted',
    'attempted',
    'sent',
    'delivered',
    'clicked',
    'converted',
    'bounced',
    'failed',
    'undeliverable',
    'replied',
  ],
  slack: ['drafted', 'attempted', 'sent', 'clicked', 'failed', 'undeliverable'],
  webhook: ['drafted', 'attempted', 'sent', 'clicked', 'failed', 'undeliverable'],
  whatsapp: [
    'drafted',
    'attempted',
    'sent',
    'delivered',
    'opened',
    'clicked',
    'converted',
    'bounced',
    'dropped',
    'failed',
    'undeliverable',
    'replied',
  ],
}
const PAIRS = Object.entries(FACT_PAIRS).flatMap(([objectType, metrics]) =>
  metrics.map((metric) => ({ objectType, metric, typeName: `${pascal(objectType)}${pascal(metric)}Event` })),
)

function pascal(snake) {
  return snake
    .split('_')
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')
}

/** The declarations of types/events.d.ts, read with the TypeScript parser. */
function declarations() {
  const source = ts.createSourceFile(TYPES_FILE, readFileSync(TYPES_FILE, 'utf8'), ts.ScriptTarget.Latest)
  const interfaces = new Map()
  const aliases = new Map()
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, statement)
    if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement)
  }
  return { interfaces, aliases }
}

/** The string literals a property's type admits (`'a'` or `'a' | 'b'`). */
function literals(declaration, property) {
  const member = declaration.members.find((m) => m.name?.text === property)
  assert.ok(member, `${declaration.name.text} has ${property}`)
  const nodes = ts.isUnionTypeNode(member.type) ? member.type.types : [member.type]
  return nodes.map((node) => {
    assert.ok(ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal), `${property} is a string literal`)
    return node.literal.text
  })
}

function unionMembers(alias) {
  assert.ok(ts.isUnionTypeNode(alias.type))
  return alias.type.types.map((node) => node.typeName.text)
}

function fixturePath(objectType, metric) {
  const candidates = [
    path.join(FIXTURES, 'events', `${objectType}_${metric}.json`),
    path.join(FIXTURES, 'events/assembled', `${objectType}_${metric}.json`),
  ].filter((file) => existsSync(file))
  assert.equal(candidates.length, 1, `one fixture for ${objectType}_${metric}`)
  return candidates[0]
}

function withTempDir(fn) {
  const dir = mkdtempSync(path.join(tmpdir(), 'cio-event-types-'))
  try {
    return fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

test('every object_type x metric Customer.io documents has an event type in CustomerioEvent', () => {
  const { interfaces, aliases } = declarations()
  for (const { objectType, metric, typeName } of PAIRS) {
    const declaration = interfaces.get(typeName)
    assert.ok(declaration, `${typeName} is declared`)
    assert.deepEqual(literals(declaration, 'metric'), [metric], `${typeName}.metric`)
    assert.ok(literals(declaration, 'object_type').includes(objectType), `${typeName}.object_type admits ${objectType}`)
  }
  const union = unionMembers(aliases.get('CustomerioEvent'))
  assert.deepEqual(new Set(union), new Set(PAIRS.map((pair) => pair.typeName)), 'CustomerioEvent is exactly these')
  assert.equal(union.length, PAIRS.length)
})

test('CustomerioEventObjectType and CustomerioEventMetric list exactly the documented values', () => {
  const { aliases } = declarations()
  const values = (name) => aliases.get(name).type.types.map((node) => node.literal.text)
  assert.deepEqual(new Set(values('CustomerioEventObjectType')), new Set(Object.keys(FACT_PAIRS)))
  assert.deepEqual(new Set(values('CustomerioEventMetric')), new Set(PAIRS.map((pair) => pair.metric)))
})

test('every documented event has one fixture, named after its object_type and metric', () => {
  for (const { objectType, metric } of PAIRS) {
    const event = JSON.parse(readFileSync(fixturePath(objectType, metric), 'utf8'))
    assert.equal(event.object_type, objectType)
    assert.equal(event.metric, metric)
    assert.equal(typeof event.event_id, 'string')
    assert.ok(Number.isSafeInteger(event.timestamp), 'timestamp is unix seconds')
    assert.equal(typeof event.data, 'object')
    assert.equal(typeof event.data.identifiers, 'object', 'data.identifiers')
  }
  const names = (dir) => readdirSync(path.join(FIXTURES, dir)).filter((name) => name.endsWith('.json'))
  assert.equal(names('events').length + names('events/assembled').length, PAIRS.length, 'no stray fixtures')
})

test('the raw fixtures are the spec examples, unchanged', () => {
  // Read straight from the spec, not through the generator.
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'))
  const examples = Object.values(spec.webhooks.reportingWebhook.post.requestBody.content['application/json'].examples)
  assert.ok(examples.length > 0)
  const raw = readdirSync(path.join(FIXTURES, 'events')).filter((name) => name.endsWith('.json'))
  assert.equal(raw.length, examples.length)
  for (const { value } of examples) {
    const file = path.join(FIXTURES, 'events', `${value.object_type}_${value.metric}.json`)
    assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), value)
  }
})

test('the generator still has to correct push_drafted, and does', () => {
  const spec = JSON.parse(readFileSync(SPEC_FILE, 'utf8'))
  assert.deepEqual(spec.components.schemas.push_drafted.allOf[1].properties.metric.enum, ['attempted'])
  const { interfaces } = declarations()
  assert.deepEqual(literals(interfaces.get('PushDraftedEvent'), 'metric'), ['drafted'])
  assert.deepEqual(literals(interfaces.get('PushAttemptedEvent'), 'metric'), ['attempted'])
})

test('types/events.d.ts is what scripts/gen-event-types.mjs generates', () => {
  withTempDir((dir) => {
    const out = path.join(dir, 'events.d.ts')
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-event-types.mjs'), '--out', out])
    assert.equal(
      readFileSync(TYPES_FILE, 'utf8'),
      readFileSync(out, 'utf8'),
      'types/events.d.ts drifted: run `node scripts/gen-event-types.mjs`',
    )
  })
})

test('the event fixtures are what scripts/gen-event-fixtures.mjs generates', () => {
  withTempDir((dir) => {
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-event-fixtures.mjs'), '--out-dir', dir])
    const generated = ['event-fixtures.ts', ...jsonFiles(dir, 'events'), ...jsonFiles(dir, 'events/assembled')]
    const committed = [
      'event-fixtures.ts',
      ...jsonFiles(FIXTURES, 'events'),
      ...jsonFiles(FIXTURES, 'events/assembled'),
    ]
    assert.deepEqual(committed.sort(), generated.sort())
    for (const file of generated) {
      assert.equal(
        readFileSync(path.join(FIXTURES, file), 'utf8'),
        readFileSync(path.join(dir, file), 'utf8'),
        `${file} drifted: run \`node scripts/gen-event-fixtures.mjs\``,
      )
    }
  })
})

function jsonFiles(root, dir) {
  return readdirSync(path.join(root, dir))
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${dir}/${name}`)
}

test('tsc --strict accepts every fixture as its event type and the narrowing examples', () => {
  const result = spawnSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules/typescript/bin/tsc'),
      '--strict',
      '--noEmit',
      '--target',
      'es2022',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
      '--types',
      'node',
      path.join(FIXTURES, 'event-fixtures.ts'),
      path.join(FIXTURES, 'event-narrowing.ts'),
    ],
    { cwd: ROOT, encoding: 'utf8' },
  )
  assert.equal(result.status, 0, `tsc failed:\n${result.stdout}${result.stderr}`)
})
