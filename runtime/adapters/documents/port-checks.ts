/**
 * Refuses what the document store port does not define, the same way in every adapter: in a
 * change, a field in two parts, the `_id`, the outbox field, or a name that is not a plain
 * top-level field (MongoDB would read dots and `$` as paths and operators); in a filter, an
 * operator outside the port's language; in a find, an unknown index or a condition on a field
 * the index does not hold; names of namespaces and collections.
 */
import {
  type Change,
  type CollectionSpec,
  type IndexSpec,
  OUTBOX_FIELD,
  type OutgoingEvent,
} from '../../ports/documents.ts'

const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/
/**
 * Field names already found plain. Every write is checked, and programs name few fields
 * (constants in code), so a set lookup replaces the pattern; it stops growing at a bound.
 */
const plainFields = new Set<string>()
const MAX_REMEMBERED = 10_000

function isPlainField(field: string): boolean {
  if (plainFields.has(field)) return true
  if (!FIELD.test(field) || field === OUTBOX_FIELD) return false
  if (plainFields.size < MAX_REMEMBERED) plainFields.add(field)
  return true
}

function checkField(part: string, field: string, seen: string[]): void {
  if (!isPlainField(field)) throw new Error(`change: ${part} of field "${field}" is not allowed`)
  // Changes name a handful of fields: a list is cheaper than a set.
  if (seen.includes(field))
    throw new Error(`change: field "${field}" is in two parts of one change`)
  seen.push(field)
}

/** Throws on a change the port does not define. */
export function checkChange(change: Change<object>): void {
  const seen: string[] = []
  for (const part in change) {
    const fields = (change as Record<string, unknown>)[part]
    if (fields === undefined) continue
    if (
      part !== 'set' &&
      part !== 'unset' &&
      part !== 'inc' &&
      part !== 'addToSet' &&
      part !== 'pull' &&
      part !== 'pullAll'
    )
      throw new Error(`change: unknown part "${part}"`)
    if (part === 'unset') {
      for (const field of fields as readonly string[]) checkField(part, field, seen)
      continue
    }
    for (const field in fields as object) {
      const value = (fields as Record<string, unknown>)[field]
      if (value === undefined) continue
      if (part === 'pullAll' && !Array.isArray(value))
        throw new Error(`change: pullAll of field "${field}" takes a list of values`)
      checkField(part, field, seen)
    }
  }
}

const NAME = /^[a-z][a-z0-9_]{0,47}$/

/** Namespaces (domains) and collection names: lower-case letters, digits and `_`. */
export function checkName(kind: string, name: string): void {
  if (!NAME.test(name))
    throw new Error(`${kind} "${name}": use lower-case letters, digits and _ (at most 48)`)
}

const OPERATORS = new Set(['$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'])

/** Refuses filters outside the port's language (any adapter would read them differently). */
export function checkFilter(filter: object | undefined): void {
  for (const field in filter) {
    if (field !== '_id' && !isPlainField(field))
      throw new Error(`filter: field "${field}" is not allowed`)
    const condition = (filter as Record<string, unknown>)[field]
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) continue
    let operators = false
    for (const k in condition) if (k.startsWith('$')) operators = true
    if (!operators) continue
    for (const k in condition)
      if (!OPERATORS.has(k)) throw new Error(`filter: operator ${k} is not supported`)
  }
}

/**
 * The declared index a find goes through, once its conditions are checked: only on the index's
 * fields (so every find is served by it), in the port's language.
 */
export function checkFind(
  spec: CollectionSpec,
  name: string,
  where: object | undefined,
): IndexSpec {
  const index = spec.indexes?.find((i) => i.name === name)
  if (!index) throw new Error(`collection ${spec.name} has no index named ${name}`)
  for (const field in where)
    if (!index.fields.some(([f]) => f === field))
      throw new Error(`find through ${spec.name}.${name}: ${field} is not one of its fields`)
  checkFilter(where)
  return index
}

/** Refuses events on a write to a collection that has no outbox (no relay would publish them). */
export function checkEvents(
  spec: CollectionSpec,
  events: readonly OutgoingEvent[] | undefined,
): void {
  if (events?.length && !spec.outbox)
    throw new Error(
      `collection ${spec.name} has no outbox: declare it with outbox: true to store events`,
    )
}
