/**
 * One embedded collection. Every operation runs to completion without awaiting anything, so
 * each is atomic, as a single-document write is on MongoDB. Stored documents are frozen and
 * never changed (an update stores a new version), so reads hand them out as they are, without
 * copying; what a caller passes in is copied. Stored events are kept beside the documents.
 * Indexes are kept as maps from the values of each leading run of their fields to the
 * documents holding them, so a find pinned on a prefix reads only its bucket; results are
 * sorted by the index's fields.
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
import { checkChange, checkEvents, checkFilter, checkFind } from '../port-checks.ts'
import { applyChange } from './apply-change.ts'
import { equalityOf, matches } from './filter.ts'
import { cloneJson, compareValues, frozenCopy } from './values.ts'

type Stored = Readonly<Record<string, Json>> & { readonly _id: string }

// Settled answers shared by every insert (a write path makes one promise fewer).
const INSERTED = Promise.resolve(true)
const NOT_INSERTED = Promise.resolve(false)
type StoredEvent = OutgoingEvent & { at: number }

/**
 * The ids holding one key of an index: a single id as itself (every key of a unique index,
 * most keys of others), several as a set.
 */
type Bucket = string | Set<string>

interface MemoryIndex {
  spec: IndexSpec
  fields: readonly string[]
  /**
   * `prefixes[k]`: key of the first k+1 field values → ids; built the first time a find pins
   * that many fields (and from the start for a unique index's whole key), kept from then on.
   */
  prefixes: (Map<string, Bucket> | undefined)[]
}

/** An index key part: cheap for the scalars indexes hold, JSON for anything else. */
const part = (value: Json | undefined) =>
  typeof value === 'string'
    ? `s${value}\u0000`
    : typeof value === 'number'
      ? `n${value}\u0000`
      : `j${JSON.stringify(value ?? null)}\u0000`

const keyOf = (doc: Stored, fields: readonly string[], k: number) => {
  let key = ''
  for (let i = 0; i < k; i++) key += part(doc[fields[i]!])
  return key
}
const keyOfValues = (values: readonly unknown[]) => {
  let key = ''
  for (const v of values) key += part(v as Json)
  return key
}

const idsOf = (bucket: Bucket | undefined): Iterable<string> =>
  bucket === undefined ? [] : typeof bucket === 'string' ? [bucket] : bucket

export interface MemoryCollection<D extends Doc> extends Collection<D> {
  /** Every stored document, with its stored events, for saving to a file. */
  dump(): Record<string, Json>[]
  load(docs: readonly Record<string, Json>[]): void
}

export function memoryCollection<D extends Doc>(
  spec: CollectionSpec,
  changed: () => void = () => {},
): MemoryCollection<D> {
  const docs = new Map<string, Stored>()
  const order = new Map<string, number>()
  let seq = 0
  const outbox = new Map<string, StoredEvent[]>()
  const indexes = new Map<string, MemoryIndex>(
    (spec.indexes ?? []).map((s) => [
      s.name,
      {
        spec: s,
        fields: s.fields.map(([f]) => f),
        prefixes: s.fields.map((_, k) =>
          s.unique && k === s.fields.length - 1 ? new Map<string, Bucket>() : undefined,
        ),
      },
    ]),
  )
  const indexedFields = [...new Set([...indexes.values()].flatMap((i) => i.fields))]

  const unindex = (doc: Stored) => {
    for (const { fields, prefixes } of indexes.values())
      for (let k = 0; k < prefixes.length; k++) {
        const map = prefixes[k]
        if (!map) continue
        const key = keyOf(doc, fields, k + 1)
        const ids = map.get(key)
        if (ids === doc._id) map.delete(key)
        else if (typeof ids === 'object') {
          ids.delete(doc._id)
          if (ids.size === 0) map.delete(key)
        }
      }
  }
  const index = (doc: Stored) => {
    for (const { fields, prefixes } of indexes.values())
      for (let k = 0; k < prefixes.length; k++) {
        const map = prefixes[k]
        if (map) addTo(map, keyOf(doc, fields, k + 1), doc._id)
      }
  }
  const addTo = (map: Map<string, Bucket>, key: string, id: string) => {
    const ids = map.get(key)
    if (ids === undefined) map.set(key, id)
    else if (typeof ids === 'object') ids.add(id)
    else if (ids !== id) map.set(key, new Set([ids, id]))
  }
  /** The map of the first k fields' values, built now if no find pinned k fields before. */
  const prefixMap = (i: MemoryIndex, k: number) => {
    let map = i.prefixes[k - 1]
    if (!map) {
      map = new Map()
      for (const doc of docs.values()) addTo(map, keyOf(doc, i.fields, k), doc._id)
      i.prefixes[k - 1] = map
    }
    return map
  }
  /** Whether an update changed a field some index holds (else the indexes stay as they are). */
  const indexedFieldsMoved = (before: Stored, after: Stored) => {
    for (const f of indexedFields)
      if (before[f] !== after[f] && JSON.stringify(before[f]) !== JSON.stringify(after[f]))
        return true
    return false
  }
  /** Another document already holds this document's values of a unique index. */
  const clashes = (doc: Stored) => {
    for (const { spec: s, fields, prefixes } of indexes.values()) {
      if (!s.unique) continue
      const ids = prefixes[fields.length - 1]?.get(keyOf(doc, fields, fields.length))
      if (ids === undefined || ids === doc._id) continue
      if (typeof ids === 'string' || [...ids].some((id) => id !== doc._id)) return s.name
    }
    return undefined
  }
  const put = (doc: Stored) => {
    docs.set(doc._id, doc)
    if (!order.has(doc._id)) order.set(doc._id, seq++)
    index(doc)
  }
  const addEvents = (id: string, events: readonly OutgoingEvent[] | undefined) => {
    if (!events?.length) return
    const stamped = events.map((e) => ({ ...cloneJson(e), at: Date.now() }))
    outbox.set(id, [...(outbox.get(id) ?? []), ...stamped])
  }

  return {
    insert(doc, options) {
      // Not async (an insert answers with a shared settled promise), so a refusal rejects here.
      try {
        checkEvents(spec, options?.events)
      } catch (err) {
        return Promise.reject(err)
      }
      if (docs.has(doc._id)) return NOT_INSERTED
      const stored = frozenCopy(doc) as unknown as Stored
      if (clashes(stored)) return NOT_INSERTED
      put(stored)
      addEvents(stored._id, options?.events)
      changed()
      return INSERTED
    },

    async get(id) {
      return docs.get(id) as D | undefined
    },

    async find(name, query: FindQuery<D> = {}) {
      checkFind(spec, name, query.where)
      const idx = indexes.get(name)!
      const { spec: s, fields } = idx
      const pinned = equalityOf(query.where)
      let k = 0
      while (k < fields.length && pinned.has(fields[k]!)) k++
      const candidates: Iterable<string> =
        k === 0
          ? docs.keys()
          : idsOf(prefixMap(idx, k).get(keyOfValues(fields.slice(0, k).map((f) => pinned.get(f)))))
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
      return found.slice(0, query.limit ?? DEFAULT_FIND_LIMIT) as unknown as D[]
    },

    async update(id, change: Change<D>, options) {
      checkChange(change as Change<object>)
      checkEvents(spec, options?.events)
      const where = options?.where
      if (where !== undefined) checkFilter(where)
      const doc = docs.get(id)
      if (doc === undefined || (where !== undefined && !matches(doc, where))) return undefined
      const next = applyChange(doc, change as Change<object>)
      const moved = indexedFieldsMoved(doc, next)
      if (moved) {
        unindex(doc)
        const clash = clashes(next)
        if (clash) {
          index(doc)
          throw new Error(
            `update of ${spec.name} ${id}: unique index ${clash} already holds its values`,
          )
        }
      }
      docs.set(id, next)
      if (moved) index(next)
      if (options?.events !== undefined) addEvents(id, options.events)
      changed()
      return next as unknown as D
    },

    async delete(id, where) {
      checkFilter(where)
      const doc = docs.get(id)
      if (!doc || !matches(doc, where)) return false
      unindex(doc)
      docs.delete(id)
      order.delete(id)
      outbox.delete(id)
      changed()
      return true
    },

    async pendingEvents(limit = DEFAULT_FIND_LIMIT) {
      const out: PendingEvents[] = []
      for (const [id, events] of outbox) {
        if (out.length >= limit) break
        out.push({ id, events: events.map(({ at: _at, ...e }) => cloneJson(e)) })
      }
      return out
    },

    async clearEvents(id, cleared) {
      const events = outbox.get(id)
      if (!events) return
      const eventIds = cleared.map((e) => e.id)
      const left = events.filter((e) => !eventIds.includes(e.id))
      if (left.length === events.length) return
      if (left.length > 0) outbox.set(id, left)
      else outbox.delete(id)
      changed()
    },

    dump: () =>
      [...docs.values()].map((doc) => {
        const events = outbox.get(doc._id)
        return events ? { ...doc, [OUTBOX_FIELD]: events as unknown as Json } : { ...doc }
      }),
    load(loaded) {
      for (const { [OUTBOX_FIELD]: events, ...doc } of loaded) {
        put(frozenCopy(doc) as Stored)
        if (Array.isArray(events) && events.length > 0)
          outbox.set(String(doc._id), events as unknown as StoredEvent[])
      }
    },
  }
}
