/**
 * Refuses changes the port does not define, the same way in every adapter: a field in two
 * parts of one change, the `_id`, the outbox field, or a name that is not a plain top-level
 * field (MongoDB would read dots and `$` as paths and operators).
 */
import { type Change, OUTBOX_FIELD } from '../../ports/documents.ts'

const FIELD = /^[A-Za-z][A-Za-z0-9_]*$/

export function fieldsOf(change: Change<object>): Map<string, string> {
  const seen = new Map<string, string>()
  const add = (part: string, field: string) => {
    if (!FIELD.test(field) || field === OUTBOX_FIELD)
      throw new Error(`change: ${part} of field "${field}" is not allowed`)
    const earlier = seen.get(field)
    if (earlier) throw new Error(`change: field "${field}" is both in ${earlier} and ${part}`)
    seen.set(field, part)
  }
  for (const [part, fields] of Object.entries(change)) {
    if (fields === undefined) continue
    if (part === 'unset') for (const field of fields as string[]) add(part, field)
    else if (['set', 'inc', 'addToSet', 'pull'].includes(part))
      for (const [field, value] of Object.entries(fields as object))
        if (value !== undefined) add(part, field)
        else throw new Error(`change: unknown part "${part}"`)
  }
  return seen
}

export function checkChange(change: Change<object>): void {
  fieldsOf(change)
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
  for (const [field, condition] of Object.entries(filter ?? {})) {
    if (field !== '_id' && !FIELD.test(field))
      throw new Error(`filter: field "${field}" is not allowed`)
    if (condition === null || typeof condition !== 'object' || Array.isArray(condition)) continue
    const keys = Object.keys(condition)
    if (!keys.some((k) => k.startsWith('$'))) continue
    for (const k of keys)
      if (!OPERATORS.has(k)) throw new Error(`filter: operator ${k} is not supported`)
  }
}
