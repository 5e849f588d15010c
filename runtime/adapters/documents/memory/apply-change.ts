/**
 * Applies a checked change to a shallow copy of a stored document (the embedded store's
 * update): changed fields get new frozen values, unchanged ones stay shared with the stored
 * version, which is never modified.
 */
import type { Change, Json } from '../../../ports/documents.ts'
import { deepEqual, frozenCopy, listHas } from './values.ts'

type Stored = Record<string, Json>

export function applyChange(doc: Stored, change: Change<object>): void {
  const { set, unset, inc, addToSet, pull } = change as {
    set?: Record<string, Json | undefined>
    unset?: readonly string[]
    inc?: Record<string, number | undefined>
    addToSet?: Record<string, Json | undefined>
    pull?: Record<string, Json | undefined>
  }
  for (const field in set) {
    const value = set[field]
    if (value !== undefined) doc[field] = frozenCopy(value)
  }
  if (unset) for (const field of unset) delete doc[field]
  for (const field in inc) {
    const by = inc[field]
    if (by === undefined) continue
    const current = doc[field] ?? 0
    if (typeof current !== 'number' || typeof by !== 'number')
      throw new Error(`change: cannot inc non-number field "${field}"`)
    doc[field] = current + by
  }
  for (const field in addToSet) {
    const value = addToSet[field]
    if (value === undefined) continue
    const list = doc[field] ?? []
    if (!Array.isArray(list))
      throw new Error(`change: cannot addToSet on non-array field "${field}"`)
    if (!listHas(list, value)) doc[field] = Object.freeze([...list, frozenCopy(value)]) as Json[]
  }
  for (const field in pull) {
    const value = pull[field]
    if (value === undefined) continue
    const list = doc[field]
    if (list === undefined) continue
    if (!Array.isArray(list)) throw new Error(`change: cannot pull from non-array field "${field}"`)
    if (!listHas(list, value)) continue
    const scalar = value === null || typeof value !== 'object'
    doc[field] = Object.freeze(
      list.filter((e) => (scalar ? e !== value : !deepEqual(e, value))),
    ) as Json[]
  }
}
