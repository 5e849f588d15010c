/**
 * The document store port: collections of JSON documents, each operation atomic on one
 * document — insert-if-absent, get, find through a declared index, a guarded update and a
 * guarded delete. No operation spans two documents, so an adapter needs no multi-document
 * transactions (a standalone MongoDB, FerretDB and process memory all qualify). A write may
 * carry events to publish: they are stored in the same document write (`_outbox`), so the
 * change and its events exist together or not at all.
 *
 * The filter and change languages are small on purpose; every adapter implements exactly
 * these meanings (see documents-contract.ts):
 * - filter `{ f: v }`: f equals v, or, when f holds an array, the array contains v;
 *   `{ f: { $ne: v } }`: the negation (a missing field is not equal); `$gt` `$gte` `$lt` `$lte`
 *   compare numbers with numbers and strings with strings (a missing field never matches);
 *   `$in` / `$nin`: equal (or, for arrays, containing) one of / none of; `$exists`.
 * - change: `set` and `unset` top-level fields, `inc` numbers (a missing field counts as 0),
 *   `addToSet` / `pull` one scalar into / out of an array field, `pullAll` every one of a list
 *   of scalars out of it. A field may appear in one of them only.
 */

/** A JSON value as stored. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }
export type Scalar = string | number | boolean | null

/** A stored document: its `_id` is unique in its collection. */
export interface Doc {
  _id: string
}

/** An index of a collection: its fields in order, each ascending (1) or descending (-1). */
export interface IndexSpec {
  name: string
  fields: readonly (readonly [field: string, direction: 1 | -1])[]
  /** No two documents may share the indexed values. */
  unique?: boolean
}

/** A collection as a domain declares it. */
export interface CollectionSpec {
  /** Unique within its domain: letters, digits and `_`. */
  name: string
  indexes?: readonly IndexSpec[]
  /**
   * Writes may carry events (the transactional outbox): the runtime's relay publishes them
   * and clears them. A write with events to a collection without it is refused.
   */
  outbox?: boolean
}

type Elem<V> = V extends readonly (infer E)[] ? E : V

/** Conditions on one field. */
export interface Comparison<V> {
  $ne?: Elem<V> | null
  $gt?: V
  $gte?: V
  $lt?: V
  $lte?: V
  $in?: readonly (Elem<V> | null)[]
  $nin?: readonly (Elem<V> | null)[]
  $exists?: boolean
}

/** Every field's condition must hold. */
export type Filter<D> = { [K in keyof D]?: Elem<D[K]> | Comparison<D[K]> }

type NumberKeys<D> = { [K in keyof D]-?: D[K] extends number | undefined ? K : never }[keyof D]
type ArrayKeys<D> = {
  [K in keyof D]-?: D[K] extends readonly unknown[] | undefined ? K : never
}[keyof D]

/** What an update does to the document. */
export interface Change<D> {
  set?: Partial<Omit<D, '_id'>>
  unset?: readonly Exclude<keyof D, '_id'>[]
  inc?: Partial<Record<NumberKeys<D>, number>>
  addToSet?: Partial<{ [K in ArrayKeys<D>]: Elem<D[K]> }>
  pull?: Partial<{ [K in ArrayKeys<D>]: Elem<D[K]> }>
  pullAll?: Partial<{ [K in ArrayKeys<D>]: readonly Elem<D[K]>[] }>
}

/** An event to publish, carried by the write that causes it. */
export interface OutgoingEvent {
  /** The event's name (the topic), e.g. `order.created`. */
  topic: string
  /** Unique per event: the message id consumers deduplicate on. */
  id: string
  /** The JSON body. */
  body: string
  headers?: Readonly<Record<string, string>>
}

export interface WriteOptions {
  /** Events stored with the write, in the same document, for the outbox relay to publish. */
  events?: readonly OutgoingEvent[]
}

export interface UpdateOptions<D> extends WriteOptions {
  /** The update applies only while this holds (besides the id). */
  where?: Filter<D>
}

export interface FindQuery<D> {
  /** Conditions on the index's fields only, so every find is served by the index. */
  where?: Filter<D>
  /** `asc` follows the index's directions, `desc` reverses them (default `asc`). */
  order?: 'asc' | 'desc'
  /** Most documents returned (default 100). */
  limit?: number
}

/** A document with the events its writes stored and the outbox relay has not cleared. */
export interface PendingEvents {
  id: string
  events: OutgoingEvent[]
}

export interface Collection<D extends Doc> {
  /** Inserts the document unless its `_id` exists; true when it was inserted. */
  insert(doc: D, options?: WriteOptions): Promise<boolean>
  get(id: string): Promise<D | undefined>
  /** Documents through the named index, in its order. */
  find(index: string, query?: FindQuery<D>): Promise<D[]>
  /** Applies the change while `where` holds; the document after it, or undefined. */
  update(id: string, change: Change<D>, options?: UpdateOptions<D>): Promise<D | undefined>
  /** Deletes the document while `where` holds; true when it was deleted. */
  delete(id: string, where?: Filter<D>): Promise<boolean>
  /** Documents holding stored events, oldest writes first (what the outbox relay reads). */
  pendingEvents(limit?: number): Promise<PendingEvents[]>
  /**
   * Clears events once published (as `pendingEvents` or the write gave them); others stored
   * meanwhile stay.
   */
  clearEvents(id: string, events: readonly OutgoingEvent[]): Promise<void>
}

/** The store: every domain's collections, each domain in its own namespace. */
export interface DocumentStore {
  /** `embedded`, `mongodb`, ... */
  readonly kind: string
  /** Whether calls leave the process (then they are traced as database calls). */
  readonly remote: boolean
  /** Creates the collections' indexes (idempotent); call before using them. */
  prepare(namespace: string, specs: readonly CollectionSpec[]): Promise<void>
  collection<D extends Doc>(namespace: string, spec: CollectionSpec): Collection<D>
  ping(): Promise<void>
  close(): Promise<void>
}

/** Most documents a find returns when the query gives no limit. */
export const DEFAULT_FIND_LIMIT = 100

/** The field that holds a document's stored events. */
export const OUTBOX_FIELD = '_outbox'

/**
 * The store cannot be reached (down, restarting, unreachable): the operation may or may not
 * have applied, and trying again later is the answer. Callers see UNAVAILABLE (HTTP 503).
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError'
}
