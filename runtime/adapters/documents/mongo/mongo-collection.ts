/**
 * One collection on MongoDB. Each port operation is one single-document command (insertOne,
 * findOne, find, findOneAndUpdate, deleteOne), so it is atomic on MongoDB with no
 * transaction. The filter and change languages are MongoDB's own subset, checked first so a
 * query the embedded store would refuse is refused here too.
 */
import {
  type Db,
  type Document,
  type Collection as MongoCollection,
  type Filter as MongoFilter,
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerClosedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
  type UpdateFilter,
} from 'mongodb'
import {
  type Change,
  type Collection,
  type CollectionSpec,
  DEFAULT_FIND_LIMIT,
  type Doc,
  type FindQuery,
  OUTBOX_FIELD,
  type OutgoingEvent,
  type PendingEvents,
  StoreUnavailableError,
} from '../../../ports/documents.ts'
import { checkChange, checkEvents, checkFilter, checkFind } from '../port-checks.ts'

/** MongoDB's duplicate-key error code (E11000). */
const DUPLICATE_KEY = 11000

/** True when a write failed because a unique index already holds its key. */
export function isDuplicateKey(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY
  )
}

/**
 * Set (true) on a document while it holds stored events, so the relay finds them by equality
 * on an index (sparse on MongoDB) instead of reading every document: FerretDB 1.x serves
 * `$exists` by reading the whole collection.
 */
export const PENDING_FIELD = '_outboxPending'

/** Rounds of read-and-compare before clearing events on a document that keeps changing gives up. */
const MAX_ROUNDS = 10

/** An event as stored: exactly these fields in this order, so a list of them compares equal. */
type StoredEvent = Pick<OutgoingEvent, 'topic' | 'id' | 'body'> & {
  headers?: Record<string, string>
}

const stored = (e: OutgoingEvent): StoredEvent => ({
  topic: e.topic,
  id: e.id,
  body: e.body,
  ...(e.headers && { headers: { ...e.headers } }),
})

/** Documents as the driver sees them: string ids, any fields. */
interface Stored {
  _id: string
  [field: string]: unknown
}

const filter = (where: object | undefined, id?: string): MongoFilter<Stored> =>
  (id === undefined ? { ...where } : { ...where, _id: id }) as MongoFilter<Stored>

function visible<D>(doc: Stored | Document): D {
  const { [OUTBOX_FIELD]: _events, [PENDING_FIELD]: _pending, ...rest } = doc
  return rest as D
}

function toUpdate(change: Change<object>, events: readonly StoredEvent[]): UpdateFilter<Stored> {
  const update: Record<string, Record<string, unknown>> = {}
  const part = (op: string, fields: object | undefined) => {
    const defined = Object.entries(fields ?? {}).filter(([, v]) => v !== undefined)
    if (defined.length > 0) update[op] = Object.fromEntries(defined)
  }
  part('$set', change.set)
  if (change.unset?.length)
    update.$unset = Object.fromEntries(change.unset.map((f) => [f as string, '']))
  part('$inc', change.inc)
  part('$addToSet', change.addToSet)
  part('$pull', change.pull)
  part('$pullAll', change.pullAll)
  if (events.length > 0) {
    update.$push = { [OUTBOX_FIELD]: { $each: events } }
    update.$set = { ...update.$set, [PENDING_FIELD]: true }
  }
  return update as UpdateFilter<Stored>
}

/** The change that leaves a document with no stored events. */
const noEvents = { $unset: { [OUTBOX_FIELD]: '', [PENDING_FIELD]: '' } } as UpdateFilter<Stored>

/** The driver's errors for a server it cannot reach (down, restarting, unreachable). */
const isUnreachable = (err: unknown) =>
  err instanceof MongoNetworkError ||
  err instanceof MongoServerSelectionError ||
  err instanceof MongoNotConnectedError ||
  err instanceof MongoTopologyClosedError ||
  err instanceof MongoServerClosedError

/** The collection, its unreachable-server errors said as the port's StoreUnavailableError. */
function saidAsUnavailable<D extends Doc>(c: Collection<D>): Collection<D> {
  const said = (err: unknown) => {
    throw isUnreachable(err)
      ? new StoreUnavailableError(`MongoDB unavailable: ${(err as Error).message}`, { cause: err })
      : err
  }
  const out: Record<string, unknown> = {}
  for (const [name, op] of Object.entries(c) as [string, (...a: unknown[]) => Promise<unknown>][])
    out[name] = (...args: unknown[]) => op(...args).catch(said)
  return out as unknown as Collection<D>
}

/**
 * `readDb`: where finds through an index and the outbox's lookup go (default `db`); `get`
 * stays with the writes, so it comes after the writes sent before it on their connection.
 */
export function mongoCollection<D extends Doc>(
  db: Db,
  collectionName: string,
  spec: CollectionSpec,
  readDb: Db = db,
): Collection<D> {
  return saidAsUnavailable(rawCollection<D>(db, collectionName, spec, readDb))
}

function rawCollection<D extends Doc>(
  db: Db,
  collectionName: string,
  spec: CollectionSpec,
  readDb: Db,
): Collection<D> {
  const docs: MongoCollection<Stored> = db.collection<Stored>(collectionName)
  const reads: MongoCollection<Stored> = readDb.collection<Stored>(collectionName)
  const stamp = (events: readonly OutgoingEvent[] | undefined): StoredEvent[] =>
    (events ?? []).map(stored)

  return {
    async insert(doc, options) {
      checkEvents(spec, options?.events)
      const events = stamp(options?.events)
      try {
        await docs.insertOne(
          (events.length > 0
            ? { ...doc, [OUTBOX_FIELD]: events, [PENDING_FIELD]: true }
            : { ...doc }) as unknown as Stored,
        )
        return true
      } catch (err) {
        if (isDuplicateKey(err)) return false
        throw err
      }
    },

    async get(id) {
      const doc = await docs.findOne(filter(undefined, id))
      return doc ? visible<D>(doc) : undefined
    },

    async find(name, query: FindQuery<D> = {}) {
      const index = checkFind(spec, name, query.where)
      const sign = query.order === 'desc' ? -1 : 1
      const sort = Object.fromEntries(index.fields.map(([f, d]) => [f, d * sign])) as Record<
        string,
        1 | -1
      >
      const found = await reads
        .find(filter(query.where))
        .sort(sort)
        .limit(query.limit ?? DEFAULT_FIND_LIMIT)
        .toArray()
      return found.map((doc) => visible<D>(doc))
    },

    async update(id, change, options) {
      checkChange(change as Change<object>)
      checkEvents(spec, options?.events)
      checkFilter(options?.where)
      const update = toUpdate(change as Change<object>, stamp(options?.events))
      if (Object.keys(update).length === 0) {
        const doc = await docs.findOne(filter(options?.where, id))
        return doc ? visible<D>(doc) : undefined
      }
      const doc = await docs.findOneAndUpdate(filter(options?.where, id), update, {
        returnDocument: 'after',
      })
      return doc ? visible<D>(doc) : undefined
    },

    async delete(id, where) {
      checkFilter(where)
      return (await docs.deleteOne(filter(where, id))).deletedCount === 1
    },

    async pendingEvents(limit = DEFAULT_FIND_LIMIT) {
      const found = await reads
        .find(filter({ [PENDING_FIELD]: true }), { projection: { [OUTBOX_FIELD]: 1 } })
        .limit(limit)
        .toArray()
      return found.map(
        (doc): PendingEvents => ({
          id: String(doc._id),
          events: (doc[OUTBOX_FIELD] as (StoredEvent & { at?: Date })[]).map(
            ({ at: _at, ...e }) => e,
          ),
        }),
      )
    },

    async clearEvents(id, cleared) {
      // The common case, one command: the document holds just these events (as one write
      // stored them, or as they were read).
      const exact = await docs.updateOne(
        filter({ [OUTBOX_FIELD]: cleared.map(stored) }, id),
        noEvents,
      )
      if (exact.matchedCount === 1) return
      const eventIds = cleared.map((e) => e.id)
      // Else compare-and-set on the whole list: events stored meanwhile make the write miss,
      // and the next round keeps them.
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const doc = await docs.findOne(filter(undefined, id), {
          projection: { [OUTBOX_FIELD]: 1 },
        })
        const events = doc?.[OUTBOX_FIELD] as StoredEvent[] | undefined
        if (!events) return
        const left = events.filter((e) => !eventIds.includes(e.id))
        if (left.length === events.length) return
        const result = await docs.updateOne(
          filter({ [OUTBOX_FIELD]: events }, id),
          left.length > 0 ? ({ $set: { [OUTBOX_FIELD]: left } } as UpdateFilter<Stored>) : noEvents,
        )
        if (result.matchedCount === 1) return
      }
      throw new Error(`events of ${spec.name} ${id} kept changing while being cleared`)
    },
  }
}
