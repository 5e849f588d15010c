/**
 * The MongoDB store's collections and indexes. Indexes are created at start and creating them
 * again is a no-op, so every process may do it. Unique indexes carry invariants (one order per
 * id, one record per handled event, one job per queue and id); `isDuplicateKey` recognises a
 * write they refused.
 */
import type { Db } from 'mongodb'

export const COLLECTIONS = {
  menu: 'menu',
  stock: 'stock',
  reservations: 'reservations',
  orders: 'orders',
  processed: 'processed_events',
  jobs: 'jobs',
} as const

/** Ids are `_id`, unique by nature; these are the other indexes. */
export async function ensureIndexes(db: Db): Promise<void> {
  await Promise.all([
    // List order: as added (the admin's order, like the embedded store).
    db.collection(COLLECTIONS.menu).createIndex({ seq: 1 }, { name: 'seq' }),
    db.collection(COLLECTIONS.stock).createIndex({ seq: 1 }, { name: 'seq' }),
    db
      .collection(COLLECTIONS.orders)
      .createIndex({ customerId: 1, createdAt: -1, seq: -1 }, { name: 'customer_newest' }),
    db
      .collection(COLLECTIONS.processed)
      .createIndex({ scope: 1, eventId: 1 }, { name: 'scope_event', unique: true }),
    db
      .collection(COLLECTIONS.jobs)
      .createIndex({ queue: 1, jobId: 1 }, { name: 'queue_job', unique: true }),
    db
      .collection(COLLECTIONS.jobs)
      .createIndex({ queue: 1, state: 1, runAt: 1 }, { name: 'queue_due' }),
    db
      .collection(COLLECTIONS.jobs)
      .createIndex({ queue: 1, state: 1, leaseUntil: 1 }, { name: 'queue_lease' }),
  ])
}

/** MongoDB's duplicate-key error code (E11000). */
const DUPLICATE_KEY = 11000

/** True when a write failed because a unique index already holds its key. */
export function isDuplicateKey(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && (err as { code?: unknown }).code === DUPLICATE_KEY
  )
}
