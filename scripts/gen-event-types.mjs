#!/usr/bin/env node
// Writes types/events.d.ts (the typed reporting-webhook events) from Customer.io's OpenAPI spec,
// vendored in scripts/openapi/. Plain Node, no dependencies.
//
//   node scripts/gen-event-types.mjs [--spec <file>] [--out <file>]
//
// The output is checked in; __test__/webhook/event-types.test.mjs re-runs this script and fails when the
// committed file differs, so edit this script (or the vendored spec), never the output.
// scripts/gen-event-fixtures.mjs reuses loadSpec() and listEvents() from here.

import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SPEC_FILE = path.join(ROOT, 'scripts/openapi/customerio-reporting-webhooks.json')
const OUT_FILE = path.join(ROOT, 'types/events.d.ts')

// Where the spec and our own copy disagree with what Customer.io really sends (or with itself).
// Each fix first checks the slip is still there, so an updated spec fails loudly here instead of
// being silently "fixed" into something else.
const SPEC_FIXES = [
  {
    note:
      "push_drafted lists its metric as 'attempted' (a copy-paste slip: its description says " +
      "drafted, and push_attempted owns 'attempted'); it is 'drafted'.",
    apply(schemas) {
      const metric = schemas.push_drafted.allOf[1].properties.metric
      expectJson(metric.enum, ['attempted'], 'push_drafted metric')
      metric.enum = ['drafted']
    },
  },
  {
    note:
      'person_cio_subscription_preferences_changed names its object_type property ' +
      "'object_type_type' and does not require it; every delivery has object_type.",
    apply(schemas) {
      const event = schemas.person_cio_subscription_preferences_changed
      expectJson(Object.keys(event.properties).includes('object_type_type'), true, 'object_type_type')
      event.properties = renameKey(event.properties, 'object_type_type', 'object_type')
      event.required = [...event.required, 'object_type']
    },
  },
  {
    note:
      "The spec's own email_sent and sms_sent examples are API-triggered broadcasts without " +
      'trigger_id, so trigger_id is optional in that variant of the common data.',
    apply(schemas) {
      for (const name of ['event_common_data', 'other_event_common_data']) {
        const broadcast = schemas[name].oneOf[0]
        expectJson(broadcast.title, 'API triggered broadcast', `${name} variant 0`)
        expectJson(broadcast.required.includes('trigger_id'), true, `${name} trigger_id`)
        broadcast.required = broadcast.required.filter((key) => key !== 'trigger_id')
      }
    },
  },
  {
    note: "The spec's own email_sent example has no subject, so subject is optional in email_sent.",
    apply(schemas) {
      const data = schemas.email_sent.allOf[1].properties.data.allOf[1]
      expectJson(data.required.includes('subject'), true, 'email_sent subject')
      data.required = data.required.filter((key) => key !== 'subject')
    },
  },
]

export const SPEC_FIX_NOTES = SPEC_FIXES.map((fix) => fix.note)

function expectJson(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected)) {
    throw new Error(`spec fix for ${what} no longer applies: found ${JSON.stringify(actual)}; review SPEC_FIXES`)
  }
}

function renameKey(object, from, to) {
  return Object.fromEntries(Object.entries(object).map(([key, value]) => [key === from ? to : key, value]))
}

/** The spec, parsed, with SPEC_FIXES applied. */
export function loadSpec(file = SPEC_FILE) {
  const spec = JSON.parse(readFileSync(file, 'utf8'))
  for (const fix of SPEC_FIXES) fix.apply(spec.components.schemas)
  return spec
}

export function requestBody(spec) {
  return spec.webhooks.reportingWebhook.post.requestBody.content['application/json']
}

/**
 * Every event the spec defines, in spec order: `pair` is `<category>_<metric>`, where the
 * category is the object_type the spec groups it under (customer events may still carry another
 * object_type: the channel that triggered the subscription change).
 */
export function listEvents(spec) {
  const schemas = spec.components.schemas
  const events = []
  for (const group of requestBody(spec).schema.oneOf) {
    const groupName = refName(group.$ref)
    const category = groupName.replace(/_event$/, '')
    for (const member of schemas[groupName].oneOf) {
      const schemaName = refName(member.$ref)
      const flat = flatten(schemas, schemas[schemaName])
      const metrics = flat.properties.metric.enum
      const objectTypes = flat.properties.object_type.enum
      if (metrics.length !== 1) throw new Error(`${schemaName}: expected one metric, got ${metrics}`)
      const metric = metrics[0]
      events.push({
        pair: `${category}_${metric}`,
        category,
        metric,
        objectTypes,
        schemaName,
        typeName: `${pascal(category)}${pascal(metric)}Event`,
        dataTypeName: `${pascal(category)}${pascal(metric)}Data`,
        schema: flat,
      })
    }
  }
  const seen = new Set()
  for (const event of events) {
    if (seen.has(event.pair)) throw new Error(`two events for ${event.pair}`)
    seen.add(event.pair)
  }
  return events
}

/** An event's top level as one object: its allOf parts (refs resolved) merged. */
function flatten(schemas, schema) {
  const parts = schema.allOf ? schema.allOf.map((part) => resolve(schemas, part)) : [schema]
  const properties = {}
  const required = []
  for (const part of parts) {
    Object.assign(properties, part.properties)
    required.push(...(part.required ?? []))
  }
  return { title: schema.title, description: schema.description, properties, required: [...new Set(required)] }
}

function refName(ref) {
  return ref.replace('#/components/schemas/', '')
}

function resolve(schemas, schema) {
  return schema.$ref ? schemas[refName(schema.$ref)] : schema
}

export function pascal(snake) {
  return snake
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0].toUpperCase() + word.slice(1))
    .join('')
}

// ---- rendering --------------------------------------------------------------------------------

/** Components rendered as named types; scalars (ids, timestamps) are inlined. */
function isStructured(schema) {
  return Boolean(schema.properties || schema.oneOf || schema.allOf || schema.type === 'object')
}

class Renderer {
  constructor(schemas) {
    this.schemas = schemas
    this.named = new Map() // component name -> rendered declarations (filled on first use)
  }

  /** A TS type for `schema`: `{ ts, prec }`, prec 0 union, 1 intersection, 2 atom. */
  type(schema, indent) {
    if (schema.$ref) {
      const name = refName(schema.$ref)
      const component = this.schemas[name]
      if (!isStructured(component)) return this.type(component, indent)
      this.declare(name)
      return atom(pascal(name))
    }
    if (schema.oneOf || schema.anyOf) {
      return combine(
        (schema.oneOf ?? schema.anyOf).map((member) => this.type(member, indent)),
        ' | ',
        0,
      )
    }
    if (schema.allOf) {
      return combine(
        schema.allOf.map((member) => this.type(member, indent)),
        ' & ',
        1,
      )
    }
    if (schema.enum)
      return combine(
        schema.enum.map((value) => atom(literal(value))),
        ' | ',
        0,
      )
    const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : []
    if (types.length === 0 && !schema.properties) return atom('unknown') // `{}`: any JSON value
    if (types.length === 0) return this.object(schema, indent)
    return combine(
      types.map((type) => this.scalar(type, schema, indent)),
      ' | ',
      0,
    )
  }

  scalar(type, schema, indent) {
    switch (type) {
      case 'string':
        return atom('string')
      case 'integer':
      case 'number':
        return atom('number')
      case 'boolean':
        return atom('boolean')
      case 'null':
        return atom('null')
      case 'array': {
        const item = schema.items ? this.type(schema.items, indent) : atom('unknown')
        return atom(item.prec === 2 ? `${item.ts}[]` : `Array<${item.ts}>`)
      }
      case 'object':
        return this.object(schema, indent)
      default:
        throw new Error(`unsupported type ${type}`)
    }
  }

  object(schema, indent) {
    const inner = indent + '  '
    const lines = []
    const properties = schema.properties ?? {}
    const required = new Set(schema.required ?? [])
    for (const [key, property] of Object.entries(properties)) {
      lines.push(...this.doc(property, inner))
      const optional = required.has(key) ? '' : '?'
      lines.push(`${inner}${propertyKey(key)}${optional}: ${this.type(property, inner).ts}`)
    }
    // Required by the spec but never described: present, of any type.
    for (const key of required) {
      if (key in properties) continue
      lines.push(`${inner}/** Required by the spec, which gives it no schema. */`)
      lines.push(`${inner}${propertyKey(key)}: unknown`)
    }
    const extra = schema.additionalProperties
    if (extra && typeof extra === 'object') {
      lines.push(`${inner}[key: string]: ${this.type(extra, inner).ts}`)
    } else if (Object.keys(properties).length === 0 && required.size === 0) {
      lines.push(`${inner}[key: string]: unknown`) // an object the spec leaves open
    }
    return atom(`{\n${lines.join('\n')}\n${indent}}`)
  }

  /** JSDoc for a property: its own description, else its component's; `@deprecated` carried over. */
  doc(schema, indent) {
    const target = this.describe(schema)
    const text = (target?.description ?? '').trim()
    const tags = target?.deprecated ? ['@deprecated'] : []
    return jsdoc([...(text ? text.split('\n') : []), ...tags], indent)
  }

  describe(schema) {
    if (schema.description) return schema
    if (schema.$ref) return this.describe(this.schemas[refName(schema.$ref)])
    const first = (schema.oneOf ?? schema.anyOf ?? schema.allOf ?? [])[0]
    return first ? this.describe(first) : undefined
  }

  /** Renders a structured component once, as `export type`/`interface` declarations. */
  declare(name) {
    if (this.named.has(name)) return
    this.named.set(name, null) // reserve: components may refer to each other
    const schema = this.schemas[name]
    const typeName = pascal(name)
    const out = []
    if (schema.oneOf && schema.oneOf.every((variant) => variant.title)) {
      // Titled variants (broadcast, campaign, newsletter, ...) become named interfaces.
      const variants = schema.oneOf.map((variant) => `${typeName}${pascal(variant.title)}`)
      out.push(...jsdoc([`One of: ${schema.oneOf.map((v) => v.title).join(', ')}.`], ''))
      out.push(`export type ${typeName} =\n${variants.map((v) => `  | ${v}`).join('\n')}`)
      schema.oneOf.forEach((variant, i) => {
        out.push('')
        out.push(...jsdoc([`${variant.title}.`, ...describeLines(variant)], ''))
        out.push(declaration(variants[i], this.type(variant, '')))
      })
    } else {
      out.push(...jsdoc(describeLines(schema), ''))
      out.push(declaration(typeName, this.type(schema, '')))
    }
    this.named.set(name, out.join('\n'))
  }
}

function atom(ts) {
  return { ts, prec: 2 }
}

function combine(parts, separator, prec) {
  const unique = [...new Map(parts.map((part) => [part.ts, part])).values()]
  if (unique.length === 1) return unique[0]
  // `&` binds tighter than `|`: only a union inside an intersection needs parentheses.
  return { ts: unique.map((part) => (part.prec < prec ? `(${part.ts})` : part.ts)).join(separator), prec }
}

function declaration(name, type) {
  if (type.prec === 2 && type.ts.startsWith('{\n')) return `export interface ${name} ${type.ts}`
  return `export type ${name} = ${type.ts}`
}

function describeLines(schema) {
  const text = (schema.description ?? '').trim()
  return text ? text.split('\n') : []
}

function jsdoc(lines, indent) {
  const clean = lines.map((line) => line.replace(/\*\//g, '*\\/').trimEnd())
  while (clean.length && clean[clean.length - 1] === '') clean.pop()
  if (clean.length === 0) return []
  if (clean.length === 1) return [`${indent}/** ${clean[0]} */`]
  return [`${indent}/**`, ...clean.map((line) => (line ? `${indent} * ${line}` : `${indent} *`)), `${indent} */`]
}

function propertyKey(key) {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? key : literal(key)
}

/** A TS literal type, single-quoted like the rest of the package's typings. */
function literal(value) {
  if (typeof value !== 'string') return JSON.stringify(value)
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`
}

/** Line comments wrapped at about 100 columns. */
function wrapComment(text, prefix) {
  const lines = []
  let line = prefix
  for (const word of text.split(' ')) {
    if (line.length + word.length + 1 > 100 && line.trim() !== prefix.trim()) {
      lines.push(line.trimEnd())
      line = '//   '
    }
    line += (line.endsWith(' ') ? '' : ' ') + word
  }
  lines.push(line.trimEnd())
  return lines
}

/** The whole types/events.d.ts text. */
export function renderEventTypes(spec, specLabel) {
  const schemas = spec.components.schemas
  const events = listEvents(spec)
  const renderer = new Renderer(schemas)
  const objectTypes = [...new Set(events.flatMap((event) => event.objectTypes))]
  const metrics = [...new Set(events.map((event) => event.metric))]

  const out = [
    `// Generated by scripts/gen-event-types.mjs from ${specLabel}`,
    `// (Customer.io "${spec.info.title}" OpenAPI ${spec.openapi}, version ${spec.info.version}). Do not edit:`,
    '// change the generator and run `node scripts/gen-event-types.mjs`.',
    '//',
    '// Corrections the generator makes to the spec:',
    ...SPEC_FIX_NOTES.flatMap((note) => wrapComment(note, '// -')),
    '//',
    '// Objects are typed with the fields the spec lists; Customer.io may send more.',
    '',
    ...jsdoc(['Every `object_type` a reporting webhook can carry.'], ''),
    `export type CustomerioEventObjectType =\n${objectTypes.map((t) => `  | ${literal(t)}`).join('\n')}`,
    '',
    ...jsdoc(['Every `metric` a reporting webhook can carry.'], ''),
    `export type CustomerioEventMetric =\n${metrics.map((m) => `  | ${literal(m)}`).join('\n')}`,
    '',
    ...jsdoc(
      [
        'One reporting-webhook delivery (one event per request). Narrow it on `object_type` and',
        "`metric`: `if (e.object_type === 'email' && e.metric === 'clicked') e.data.href`.",
        'Customer events (`subscribed`, `unsubscribed`, `cio_subscription_preferences_changed`)',
        'carry the channel that triggered them as `object_type`, so narrow those on `metric`.',
      ],
      '',
    ),
    `export type CustomerioEvent =\n${events.map((e) => `  | ${e.typeName}`).join('\n')}`,
  ]

  for (const event of events) {
    const { properties, required } = event.schema
    const lines = []
    for (const [key, property] of Object.entries(properties)) {
      lines.push(...renderer.doc(property, '  '))
      const optional = required.includes(key) ? '' : '?'
      const ts = key === 'data' ? event.dataTypeName : renderer.type(property, '  ').ts
      lines.push(`  ${propertyKey(key)}${optional}: ${ts}`)
    }
    out.push('')
    out.push(...jsdoc([`${event.schema.title}.`, ...describeLines(event.schema)], ''))
    out.push(`export interface ${event.typeName} {\n${lines.join('\n')}\n}`)
    out.push('')
    out.push(declaration(event.dataTypeName, renderer.type(properties.data, '')))
  }

  out.push('')
  out.push('// ---- Shapes shared by several events ----')
  for (const declarationText of renderer.named.values()) {
    out.push('')
    out.push(declarationText)
  }
  return out.join('\n') + '\n'
}

// ---- command line -----------------------------------------------------------------------------

function main(argv) {
  const args = { spec: SPEC_FILE, out: OUT_FILE }
  for (let i = 0; i < argv.length; i += 2) {
    const flag = argv[i].replace(/^--/, '')
    if (!(flag in args) || argv[i + 1] === undefined) {
      throw new Error(`usage: gen-event-types.mjs [--spec <file>] [--out <file>] (got ${argv[i]})`)
    }
    args[flag] = path.resolve(argv[i + 1])
  }
  const label = path.relative(ROOT, args.spec).split(path.sep).join('/')
  writeFileSync(args.out, renderEventTypes(loadSpec(args.spec), label))
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2))
