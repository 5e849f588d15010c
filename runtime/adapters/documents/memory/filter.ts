/** Whether a document meets a filter, with the meanings the port defines (MongoDB's). */
import type { Json } from '../../../ports/documents.ts'
import { compareValues, equalsOrContains } from './values.ts'

const OPERATORS = new Set(['$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists'])

function isComparison(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false
  // Loops rather than Object.keys: filters are checked on every guarded write.
  let any = false
  for (const k in value) {
    if (k.charCodeAt(0) !== 36 /* $ */) return false
    any = true
  }
  if (!any) return false
  for (const k in value)
    if (!OPERATORS.has(k)) throw new Error(`filter operator ${k} is not supported`)
  return true
}

/** `$gt` and friends compare numbers with numbers and strings with strings only. */
function comparable(a: unknown, b: unknown): boolean {
  return (
    (typeof a === 'number' && typeof b === 'number') ||
    (typeof a === 'string' && typeof b === 'string')
  )
}

function holds(field: Json | undefined, condition: unknown): boolean {
  if (!isComparison(condition)) return equalsOrContains(field, condition)
  for (const op in condition) {
    const arg = condition[op]
    switch (op) {
      case '$ne':
        if (equalsOrContains(field, arg)) return false
        break
      case '$in':
        if (!(arg as unknown[]).some((v) => equalsOrContains(field, v))) return false
        break
      case '$nin':
        if ((arg as unknown[]).some((v) => equalsOrContains(field, v))) return false
        break
      case '$exists':
        if ((field !== undefined) !== arg) return false
        break
      default: {
        if (!comparable(field, arg)) return false
        const c = compareValues(field, arg)
        if (op === '$gt' && !(c > 0)) return false
        if (op === '$gte' && !(c >= 0)) return false
        if (op === '$lt' && !(c < 0)) return false
        if (op === '$lte' && !(c <= 0)) return false
      }
    }
  }
  return true
}

export function matches(doc: Record<string, Json>, filter: object | undefined): boolean {
  if (!filter) return true
  for (const field in filter) {
    const condition = (filter as Record<string, unknown>)[field]
    if (condition === undefined) continue
    if (!holds(doc[field], condition)) return false
  }
  return true
}

/** The fields a filter pins to one value (plain equality), for index lookups. */
export function equalityOf(filter: object | undefined): Map<string, unknown> {
  const pinned = new Map<string, unknown>()
  for (const [field, condition] of Object.entries(filter ?? {})) {
    if (condition !== undefined && !isComparison(condition) && !Array.isArray(condition))
      pinned.set(field, condition)
  }
  return pinned
}
