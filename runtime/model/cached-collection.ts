/**
 * A read-through cache of a collection's documents by id, for data read far more often than it
 * changes (a catalogue): declared on the collection (`collection('things', { cache: { ttlMs } })`),
 * one cache per process and collection, shared by every function of the domain, so a write
 * through any of them drops the document at once. Another process's writes show once the
 * entry is `ttlMs` old. Only `get` is served from it (a miss too); `find` and the outbox
 * always reach the store. Hits hand out copies, so a caller changing what it got changes
 * nothing cached.
 */
import { LRUCache } from 'lru-cache'
import type { Collection, Doc, DocumentStore } from '../ports/documents.ts'

export interface CacheSpec {
  /** How long a document read is served without reading it again. */
  ttlMs: number
  /** Most documents kept (default 1,000; the least recently used go first). */
  max?: number
}

/** A miss, as kept (the cache holds no undefined). */
const MISSING = { missing: true } as const
type Entry = Doc | typeof MISSING

interface Shared {
  entries: LRUCache<string, Entry>
  /**
   * Bumped as each write starts and ends (writes are rare here): a read during which it moved
   * may hold an older version, and keeps nothing.
   */
  epoch: number
}

/** Per store (each runtime has its own), per `<namespace>.<collection>`. */
const caches = new WeakMap<DocumentStore, Map<string, Shared>>()

function sharedFor(store: DocumentStore, key: string, spec: CacheSpec): Shared {
  let byName = caches.get(store)
  if (!byName) {
    byName = new Map()
    caches.set(store, byName)
  }
  let shared = byName.get(key)
  if (!shared) {
    shared = {
      entries: new LRUCache<string, Entry>({ max: spec.max ?? 1000, ttl: spec.ttlMs }),
      epoch: 0,
    }
    byName.set(key, shared)
  }
  return shared
}

export function cachedCollection<D extends Doc>(
  c: Collection<D>,
  store: DocumentStore,
  key: string,
  spec: CacheSpec,
): Collection<D> {
  const shared = sharedFor(store, key, spec)
  const { entries } = shared
  /** Runs a write of `id`; whatever its outcome, the cached copy goes. */
  const writing = async <T>(id: string, write: () => Promise<T>): Promise<T> => {
    shared.epoch += 1
    entries.delete(id)
    try {
      return await write()
    } finally {
      shared.epoch += 1
      entries.delete(id)
    }
  }
  return {
    ...c,
    async get(id) {
      const hit = entries.get(id)
      if (hit) return hit === MISSING ? undefined : (structuredClone(hit) as D)
      const epoch = shared.epoch
      const doc = await c.get(id)
      // Kept only when no write ran meanwhile (else it may be the older version).
      if (epoch === shared.epoch) entries.set(id, doc ? structuredClone(doc) : MISSING)
      return doc
    },
    insert: (doc, options) => writing(doc._id, () => c.insert(doc, options)),
    update: (id, change, options) => writing(id, () => c.update(id, change, options)),
    delete: (id, where) => writing(id, () => c.delete(id, where)),
  }
}
