/**
 * One embedded collection. Every operation runs to completion without awaiting anything, so
 * each is atomic, as a single-document write is on MongoDB. Indexes are kept as maps from
 * the values of each leading run of their fields to the documents holding them, so a find
 * pinned on a prefix reads only its bucket; results are sorted by the index's fields.
 */
import {
  type Change,
  type Collection,
  type CollectionSpec,
  DEFAULT_FIND_LIMIT,
  type Doc,
  type FindQuery,
  type IndexSpec,
  type Json,
  OUTBOX_FIELD,
  type OutgoingEvent,
  type PendingEvents,
} from '../../../ports/documents.ts'
import { checkChange, checkFilter } from '../check-change.ts'
import { applyChange } from './apply-change.ts'
import { equalityOf, matches } from './filter.ts'
import { cloneJson, compareValues } from './values.ts'

type Stored = Record<string, Json> & { _id: string }

interface MemoryIndex {
  spec: IndexSpec
  /** `prefixes[k]`: key of the first k+1 field values → ids. */
  prefixes: Map<string, Set<string>>[]
}

const keyOf = (doc: Stored, fields: IndexSpec['fields'], k: number) => {
  let key = ''
  for (let i = 0; i < k; i++) key += `${JSON.stringify(doc[fields[i]![0]] ?? null)}\u0000`
  return key
}

/** What a caller gets: a copy without the stored events. */
function visible<D>(doc: Stored): D {
  const copy = cloneJson(doc)
  delete copy[OUTBOX_FIELD]
  return copy as unknown as D
}

export interface MemoryCollection<D extends Doc> extends Collection<D> {
  /** Every stored document, for saving to a file. */
  dump(): Stored[]
  load(docs: readonly Stored[]): void
}

export function memoryCollection<D extends Doc>(
  spec: CollectionSpec,
  changed: () => void = () => {},
): MemoryCollection<D> {
  const docs = new Map<string, Stored>()
  const order = new Map<string, number>()
  let seq = 0
  const withEvents = new Set<string>()
  const indexes = new Map<string, MemoryIndex>(
    (spec.indexes ?? []).map((s) => [
      s.name,
      { spec: s, prefixes: s.fields.map(() => new Map<string, Set<string>>()) },
    ]),
  )

  const unindex = (doc: Stored) => {
    for (const { spec: s, prefixes } of indexes.values())
      prefixes.forEach((map, k) => {
        const key = keyOf(doc, s.fields, k + 1)
        const ids = map.get(key)
        ids?.delete(doc._id)
        if (ids?.size === 0) map.delete(key)
      })
  }
  const index = (doc: Stored) => {
    for (const { spec: s, prefixes } of indexes.values())
      prefixes.forEach((map, k) => {
        const key = keyOf(doc, s.fields, k + 1)
        const ids = map.get(key)
        if (ids) ids.add(doc._id)
        else map.set(key, new Set([doc._id]))
      })
  }
  /** Another document already holds this document's values of a unique index. */
  const clashes = (doc: Stored) => {
    for (const { spec: s, prefixes } of indexes.values()) {
      if (!s.unique) continue
      const ids = prefixes[s.fields.length - 1]?.get(keyOf(doc, s.fields, s.fields.length))
      if (ids && [...ids].some((id) => id !== doc._id)) return s.name
    }
    return undefined
  }
  const put = (doc: Stored) => {
    docs.set(doc._id, doc)
    if (!order.has(doc._id)) order.set(doc._id, seq++)
    if ((doc[OUTBOX_FIELD] as Json[] | undefined)?.length) withEvents.add(doc._id)
    else withEvents.delete(doc._id)
    index(doc)
  }
  const remove = (doc: Stored) => {
    unindex(doc)
    docs.delete(doc._id)
    order.delete(doc._id)
    withEvents.delete(doc._id)
  }
  const stamp = (events: readonly OutgoingEvent[] | undefined) =>
    (events ?? []).map((e) => cloneJson({ ...e, at: Date.now() }) as unknown as Json)

  const indexFor = (name: string) => {
    const found = indexes.get(name)
    if (!found) throw new Error(`collection ${spec.name} has no index named ${name}`)
    return found
  }

  return {
    async insert(doc, options) {
      if (docs.has(doc._id)) return false
      const stored = cloneJson(doc) as unknown as Stored
      const events = stamp(options?.events)
      if (events.length > 0) stored[OUTBOX_FIELD] = events
      if (clashes(stored)) return false
      put(stored)
      changed()
      return true
    },

    async get(id) {
      const doc = docs.get(id)
      return doc && visible<D>(doc)
    },

    async find(name, query: FindQuery<D> = {}) {
      const { spec: s, prefixes } = indexFor(name)
      checkFilter(query.where)
      const fields = s.fields.map(([f]) => f)
      for (const field of Object.keys(query.where ?? {}))
        if (!fields.includes(field))
          throw new Error(`find through ${spec.name}.${name}: ${field} is not one of its fields`)
      const pinned = equalityOf(query.where)
      let k = 0
      while (k < fields.length && pinned.has(fields[k]!)) k++
      let candidates: Iterable<string>
      if (k === 0) candidates = docs.keys()
      else {
        let key = ''
        for (let i = 0; i < k; i++) key += `${JSON.stringify(pinned.get(fields[i]!) ?? null)}\u0000`
        candidates = prefixes[k - 1]?.get(key) ?? []
      }
      const found: Stored[] = []
      for (const id of candidates) {
        const doc = docs.get(id)
        if (doc && matches(doc, query.where)) found.push(doc)
      }
      const sign = query.order === 'desc' ? -1 : 1
      found.sort((a, b) => {
        for (const [field, direction] of s.fields) {
          const c = compareValues(a[field], b[field])
          if (c !== 0) return c * direction * sign
        }
        return ((order.get(a._id) ?? 0) - (order.get(b._id) ?? 0)) * sign
      })
      return found.slice(0, query.limit ?? DEFAULT_FIND_LIMIT).map((doc) => visible<D>(doc))
    },

    async update(id, change: Change<D>, options) {
      checkChange(change as Change<object>)
      checkFilter(options?.where)
      const doc = docs.get(id)
      if (!doc || !matches(doc, options?.where)) return undefined
      const next = cloneJson(doc)
      applyChange(next, change as Change<object>)
      const events = stamp(options?.events)
      if (events.length > 0)
        next[OUTBOX_FIELD] = [...((next[OUTBOX_FIELD] as Json[] | undefined) ?? []), ...events]
      unindex(doc)
      const clash = clashes(next)
      if (clash) {
        index(doc)
        throw new Error(
          `update of ${spec.name} ${id}: unique index ${clash} already holds its values`,
        )
      }
      put(next)
      changed()
      return visible<D>(next)
    },

    async delete(id, where) {
      checkFilter(where)
      const doc = docs.get(id)
      if (!doc || !matches(doc, where)) return false
      remove(doc)
      changed()
      return true
    },

    async pendingEvents(limit = DEFAULT_FIND_LIMIT) {
      const out: PendingEvents[] = []
      for (const id of withEvents) {
        if (out.length >= limit) break
        const events = (docs.get(id)?.[OUTBOX_FIELD] ?? []) as unknown as (OutgoingEvent & {
          at: number
        })[]
        out.push({ id, events: events.map(({ at: _at, ...e }) => cloneJson(e)) })
      }
      return out
    },

    async clearEvents(id, eventIds) {
      const doc = docs.get(id)
      const events = doc?.[OUTBOX_FIELD] as unknown as OutgoingEvent[] | undefined
      if (!doc || !events) return
      const left = events.filter((e) => !eventIds.includes(e.id))
      if (left.length === events.length) return
      if (left.length > 0) doc[OUTBOX_FIELD] = left as unknown as Json
      else delete doc[OUTBOX_FIELD]
      put(doc)
      changed()
    },

    dump: () => [...docs.values()].map(cloneJson),
    load(loaded) {
      for (const doc of loaded) put(cloneJson(doc))
    },
  }
}
