/**
 * How the embedded store compares and copies JSON values, with MongoDB's meanings for the
 * subset the port allows: equality is deep, an array field "equals" a scalar it contains,
 * ordering puts null first, then numbers, then strings (BSON's order of those types).
 */
import type { Json } from '../../../ports/documents.ts'

/** A deep copy of a JSON value (stored and returned documents never share objects). */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return value.map(cloneJson) as T
  const out: Record<string, unknown> = {}
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) out[key] = cloneJson(v)
  }
  return out as T
}

/** A deep copy of a JSON value, frozen: stored documents are shared with readers, never changed. */
export function frozenCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value
  if (Array.isArray(value)) return Object.freeze(value.map(frozenCopy)) as T
  const out: Record<string, unknown> = {}
  for (const key in value) {
    const v = (value as Record<string, unknown>)[key]
    if (v !== undefined) out[key] = frozenCopy(v)
  }
  return Object.freeze(out) as T
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]))
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return (
    ka.length === kb.length &&
    ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  )
}

/** BSON's order of the types the port stores: null (and missing), numbers, strings, objects, arrays, booleans. */
function typeRank(v: unknown): number {
  if (v === undefined || v === null) return 0
  if (typeof v === 'number') return 1
  if (typeof v === 'string') return 2
  if (Array.isArray(v)) return 4
  if (typeof v === 'object') return 3
  return 5
}

/** Sort order of two field values (as an index sorts them). */
export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a)
  const rb = typeRank(b)
  if (ra !== rb) return ra - rb
  if (ra === 1) return (a as number) - (b as number)
  if (ra === 2) return a === b ? 0 : (a as string) < (b as string) ? -1 : 1
  if (ra === 5) return Number(a) - Number(b)
  const ja = JSON.stringify(a)
  const jb = JSON.stringify(b)
  return ja === jb ? 0 : ja < jb ? -1 : 1
}

/** The field equals the value, or holds an array containing it. */
export function equalsOrContains(field: Json | undefined, value: unknown): boolean {
  if (value === null && field === undefined) return true
  // Scalars (the common case: ids, states, numbers) compare by identity, arrays by includes.
  if (value === null || typeof value !== 'object') {
    if (field === value) return true
    return Array.isArray(field) && field.includes(value as Json)
  }
  if (deepEqual(field, value)) return true
  return Array.isArray(field) && !Array.isArray(value) && field.some((e) => deepEqual(e, value))
}

/** Whether the list holds the value (identity for scalars, deep equality otherwise). */
export function listHas(list: readonly Json[], value: unknown): boolean {
  return value === null || typeof value !== 'object'
    ? list.includes(value as Json)
    : list.some((e) => deepEqual(e, value))
}
