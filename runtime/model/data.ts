/**
 * What a domain stores: its collections (with their indexes) and its repository, written
 * once against the document store port, so the embedded store and MongoDB run the same code.
 * A function's context holds its domain's repository and nothing else of the store.
 */
import type { Collection, CollectionSpec, Doc, IndexSpec } from '../ports/documents.ts'
import type { CacheSpec } from './cached-collection.ts'

export interface CollectionDecl<D extends Doc = Doc> {
  readonly spec: CollectionSpec
  /** Documents read by id are kept in the process this long (see cached-collection.ts). */
  readonly cache?: CacheSpec
  /** Type only: the documents it holds. */
  readonly doc?: D
}

/** A collection of documents `D`, with its indexes: `[['customerId', 1], ['createdAt', -1]]`. */
export function collection<D extends Doc>(
  name: string,
  options: {
    indexes?: readonly IndexSpec[]
    /** Its writes may carry events, which the runtime publishes (the transactional outbox). */
    outbox?: boolean
    /**
     * Keep documents read by id in the process for `ttlMs` (data read far more often than it
     * changes; writes here drop them at once, other processes' show within `ttlMs`).
     */
    cache?: CacheSpec
  } = {},
): CollectionDecl<D> {
  return {
    spec: { name, indexes: options.indexes ?? [], ...(options.outbox && { outbox: true }) },
    ...(options.cache && { cache: options.cache }),
  }
}

export type CollectionsSpec = Readonly<Record<string, CollectionDecl<Doc>>>

export type CollectionsOf<C extends CollectionsSpec> = {
  readonly [K in keyof C]: C[K] extends CollectionDecl<infer D> ? Collection<D> : never
}

export interface DataSpec<R = unknown> {
  readonly collections: CollectionsSpec
  /** Builds the repository over the collections (once per function context). */
  open(collections: Readonly<Record<string, Collection<Doc>>>): R
}

/** A domain's data: `data({ items, reservations }, (c) => stockRepository(c))`. */
export function data<C extends CollectionsSpec, R>(
  collections: C,
  open: (collections: CollectionsOf<C>) => R,
): DataSpec<R> {
  return {
    collections,
    open: open as (collections: Readonly<Record<string, Collection<Doc>>>) => R,
  }
}

/**
 * Runs `work` as part of no call: for a write a repository batches for several calls at once
 * (e.g. the cleanup of all the operations finishing in one turn), which no one caller giving up
 * may stop.
 */
export { outsideCalls } from './call-scope.ts'
