/**
 * Applies a checked change to a stored document (the embedded store's update): the result is a
 * new frozen version; changed fields get new frozen values, unchanged ones stay shared with the
 * stored version, which is never modified. Every guarded write of the embedded store runs
 * through here, so lists are copied with plain loops rather than spreads and callbacks.
 */
import type { Change, Json } from '../../../ports/documents.ts'
import { frozenCopy, listHas } from './values.ts'

type Stored = Readonly<Record<string, Json>>

function listOf(
  doc: Record<string, Json>,
  field: string,
  part: string,
): readonly Json[] | undefined {
  const list = doc[field]
  if (list === undefined) return undefined
  if (!Array.isArray(list)) throw new Error(`change: cannot ${part} non-array field "${field}"`)
  return list
}

/** The list with `value` appended, frozen. */
function appended(list: readonly Json[], value: Json): Json[] {
  const out = new Array<Json>(list.length + 1)
  for (let i = 0; i < list.length; i++) out[i] = list[i]!
  out[list.length] = frozenCopy(value)
  return Object.freeze(out) as Json[]
}

/** The list without the elements equal to any of `values`, frozen. */
function without(list: readonly Json[], values: readonly Json[]): Json[] {
  const out: Json[] = []
  for (const e of list) if (!listHas(values, e)) out.push(e)
  return Object.freeze(out) as Json[]
}

export function applyChange<T extends Stored>(doc: T, change: Change<object>): T {
  const { set, unset, inc, addToSet, pull, pullAll } = change as {
    set?: Record<string, Json | undefined>
    unset?: readonly string[]
    inc?: Record<string, number | undefined>
    addToSet?: Record<string, Json | undefined>
    pull?: Record<string, Json | undefined>
    pullAll?: Record<string, readonly Json[] | undefined>
  }
  const next: Record<string, Json> = { ...doc }
  for (const field in set) {
    const value = set[field]
    if (value !== undefined) next[field] = frozenCopy(value)
  }
  if (unset) for (const field of unset) delete next[field]
  for (const field in inc) {
    const by = inc[field]
    if (by === undefined) continue
    const current = next[field] ?? 0
    if (typeof current !== 'number' || typeof by !== 'number')
      throw new Error(`change: cannot inc non-number field "${field}"`)
    next[field] = current + by
  }
  for (const field in addToSet) {
    const value = addToSet[field]
    if (value === undefined) continue
    const list = listOf(next, field, 'addToSet on') ?? []
    if (!listHas(list, value)) next[field] = appended(list, value)
  }
  for (const field in pull) {
    const value = pull[field]
    if (value === undefined) continue
    const list = listOf(next, field, 'pull from')
    if (list && listHas(list, value)) next[field] = without(list, [value])
  }
  for (const field in pullAll) {
    const values = pullAll[field]
    if (values === undefined) continue
    const list = listOf(next, field, 'pull from')
    if (list?.some((e) => listHas(values, e))) next[field] = without(list, values)
  }
  return Object.freeze(next) as T
}
