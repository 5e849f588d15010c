/** Applies a checked change to a stored document in place (the embedded store's update). */
import type { Change, Json } from '../../../ports/documents.ts'
import { cloneJson, deepEqual } from './values.ts'

type Stored = Record<string, Json>

export function applyChange(doc: Stored, change: Change<object>): void {
  for (const [field, value] of Object.entries(change.set ?? {}))
    if (value !== undefined) doc[field] = cloneJson(value as Json)
  for (const field of (change.unset ?? []) as readonly string[]) delete doc[field]
  for (const [field, by] of Object.entries(change.inc ?? {})) {
    if (by === undefined) continue
    const current = doc[field] ?? 0
    if (typeof current !== 'number' || typeof by !== 'number')
      throw new Error(`change: cannot inc non-number field "${field}"`)
    doc[field] = current + by
  }
  for (const [field, value] of Object.entries(change.addToSet ?? {})) {
    if (value === undefined) continue
    const list = doc[field] ?? []
    if (!Array.isArray(list))
      throw new Error(`change: cannot addToSet on non-array field "${field}"`)
    if (!list.some((e) => deepEqual(e, value))) list.push(cloneJson(value as Json))
    doc[field] = list
  }
  for (const [field, value] of Object.entries(change.pull ?? {})) {
    if (value === undefined) continue
    const list = doc[field]
    if (list === undefined) continue
    if (!Array.isArray(list)) throw new Error(`change: cannot pull from non-array field "${field}"`)
    doc[field] = list.filter((e) => !deepEqual(e, value))
  }
}
