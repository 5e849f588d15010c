/**
 * An example value for a JSON Schema (what zod's toJSONSchema makes of a topic's schema): every
 * property filled, with fresh ids and the current time, so a sample is a new event each time.
 * A schema's own `examples`, `default`, `const` or first `enum` value wins; otherwise ids
 * (`<name>Id`) get `<name>_<random>`, date-times the current time, numbers their lowest
 * allowed value (at least 1), text `example <property>`.
 */
import { randomUUID } from 'node:crypto'

export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema | JsonSchema[]
  prefixItems?: JsonSchema[]
  minItems?: number
  enum?: unknown[]
  const?: unknown
  default?: unknown
  examples?: unknown[]
  format?: string
  minLength?: number
  maxLength?: number
  minimum?: number
  exclusiveMinimum?: number
  maximum?: number
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  additionalProperties?: boolean | JsonSchema
}

const id = () => randomUUID().replaceAll('-', '').slice(0, 12)

function text(key: string, schema: JsonSchema, now: Date): string {
  const value = (() => {
    switch (schema.format) {
      case 'date-time':
        return now.toISOString()
      case 'date':
        return now.toISOString().slice(0, 10)
      case 'email':
        return 'someone@example.com'
      case 'uri':
      case 'url':
        return 'https://example.com/'
      case 'uuid':
        return randomUUID()
    }
    if (key === 'id' || /Id$/.test(key)) return `${key.replace(/Id$/, '') || 'id'}_${id()}`
    return `example ${key || 'text'}`.trim()
  })()
  const min = schema.minLength ?? 0
  const padded = value.length >= min ? value : value.padEnd(min, 'x')
  return schema.maxLength === undefined ? padded : padded.slice(0, schema.maxLength)
}

function number(schema: JsonSchema, integer: boolean): number {
  let low = 1
  if (schema.minimum !== undefined) low = Math.max(schema.minimum, 1)
  if (schema.exclusiveMinimum !== undefined)
    low = Math.max(low, schema.exclusiveMinimum + (integer ? 1 : 0.5))
  if (schema.maximum !== undefined && low > schema.maximum) low = schema.maximum
  if (schema.minimum !== undefined && low < schema.minimum) low = schema.minimum
  return integer ? Math.ceil(low) : low
}

/** An example of `schema`; `key` is the property it is for (it names ids). */
export function sampleOf(schema: JsonSchema, key = '', now = new Date()): unknown {
  if (schema.examples && schema.examples.length > 0) return schema.examples[0]
  if (schema.const !== undefined) return schema.const
  if (schema.default !== undefined) return schema.default
  if (schema.enum && schema.enum.length > 0) return schema.enum[0]
  const choice = (schema.anyOf ?? schema.oneOf)?.find((s) => s.type !== 'null')
  if (choice) return sampleOf(choice, key, now)
  if (schema.allOf && schema.allOf.length > 0)
    return sampleOf(Object.assign({}, ...schema.allOf) as JsonSchema, key, now)
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  switch (type ?? (schema.properties ? 'object' : undefined)) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {}).map(([k, s]) => [k, sampleOf(s, k, now)]),
      )
    case 'array': {
      if (schema.prefixItems) return schema.prefixItems.map((s) => sampleOf(s, key, now))
      const item = Array.isArray(schema.items) ? schema.items[0] : schema.items
      const count = Math.max(schema.minItems ?? 0, 1)
      return Array.from({ length: count }, () => sampleOf(item ?? {}, key, now))
    }
    case 'string':
      return text(key, schema, now)
    case 'integer':
      return number(schema, true)
    case 'number':
      return number(schema, false)
    case 'boolean':
      return true
    case 'null':
      return null
    default:
      return {}
  }
}

/**
 * Sets `path` (dotted; array indexes as numbers) in `value` to `raw`, read as JSON when it is
 * JSON (`3`, `true`, `"x"`, `{...}`), else as text: `--set orderId=01J...`.
 */
export function setPath(value: unknown, assignment: string): unknown {
  const eq = assignment.indexOf('=')
  if (eq <= 0) throw new Error(`--set ${assignment}: write <field>=<value>, e.g. --set id=abc`)
  const path = assignment.slice(0, eq).split('.')
  const raw = assignment.slice(eq + 1)
  let parsed: unknown = raw
  try {
    parsed = JSON.parse(raw)
  } catch {}
  const root = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  let at: Record<string, unknown> = root
  for (const [i, part] of path.entries()) {
    if (i === path.length - 1) {
      at[part] = parsed
      break
    }
    const next = at[part]
    if (typeof next !== 'object' || next === null) at[part] = {}
    at = at[part] as Record<string, unknown>
  }
  return root
}
