/**
 * MongoDB record of handled event ids: one document per (scope, eventId) under a unique index,
 * so `markOnce` is a single insert that exactly one of any number of racing callers wins.
 *
 * How the system uses it, and what a crash between an effect and its record does:
 * - Queue consumers (runtime/queue/bind-consumer.ts) record a message id *after* the handler
 *   succeeded and skip ids already recorded. A crash between the two means a redelivery runs
 *   the handler again, which is harmless because every effect is idempotent by conditional
 *   state: order status moves apply only from the allowed previous statuses, stock commit and
 *   release act only on an open reservation, and the kitchen enqueues one job per order id.
 * - The Stripe webhook (functions/payments/stripe-webhook.ts) marks the event id *before* its
 *   effect (publishing order.paid / order.cancelled) and unmarks it when the publish fails, so
 *   Stripe's redelivery is acted on. A process that dies between the mark and the publish
 *   leaves the event marked but unpublished: the redelivery is answered as a duplicate.
 */
import type { Db } from 'mongodb'
import type { ProcessedEvents } from '../../../ports/store.ts'
import { COLLECTIONS, isDuplicateKey } from './indexes.ts'

interface ProcessedDoc {
  scope: string
  eventId: string
  at: Date
}

export function mongoProcessed(db: Db): ProcessedEvents {
  const marks = db.collection<ProcessedDoc>(COLLECTIONS.processed)
  return {
    async has(scope, eventId) {
      return (await marks.findOne({ scope, eventId }, { projection: { _id: 1 } })) !== null
    },
    async markOnce(scope, eventId) {
      try {
        await marks.insertOne({ scope, eventId, at: new Date() })
        return true
      } catch (err) {
        if (isDuplicateKey(err)) return false
        throw err
      }
    },
    async unmark(scope, eventId) {
      await marks.deleteOne({ scope, eventId })
    },
  }
}
