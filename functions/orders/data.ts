/**
 * The orders domain's data: one document per order. A status move is one guarded update on the
 * allowed previous statuses, so of any number of racing moves exactly one applies and a late or
 * duplicate event can never move an order backwards.
 */
import { createHash } from 'node:crypto'
import type { Order, OrderItem, Refund } from '../../proto/gen/oms.ts'
import { collection, data } from '../../runtime/model/data.ts'
import type { Collection, OutgoingEvent } from '../../runtime/ports/documents.ts'
import { sortableId } from '../../shared/sortable-id.ts'

interface OrderDoc extends Omit<Order, 'id' | 'refund'> {
  _id: string
  refund?: Refund
  /** Insertion order: breaks ties between orders created in the same millisecond. */
  seq: string
  /** The payment expiry it was placed with; absent while its placing has not finished. */
  placedExpiresAt?: string
}

/**
 * An Idempotency-Key a customer placed (or is placing) an order with: its `_id` is derived from
 * (customer, key), so of racing creates with one key exactly one inserts it. The port has no
 * TTL index: a record past `expiresAt` counts as absent and is taken over by the next create
 * with that key (records are not deleted by time).
 */
export interface IdempotencyKeyDoc {
  _id: string
  customerId: string
  key: string
  /** The request the key was first used with (its items as sent). */
  requestHash: string
  orderId: string
  claimedAt: string
  expiresAt: string
}

export type IdempotencyKeyRecord = Omit<IdempotencyKeyDoc, '_id'>

const keyId = (customerId: string, key: string) =>
  createHash('sha256')
    .update(JSON.stringify([customerId, key]))
    .digest('hex')

export interface OrderPatch {
  status?: string
  paymentLink?: string
  expiresAt?: string
  /** Set once its placing finished (with the payment expiry it was placed with). */
  placedExpiresAt?: string
  refund?: Refund
  updatedAt: string
}

/** Most expired orders one sweep query returns. */
export const EXPIRED_PAGE = 100

/** Orders listed when the caller gives no limit. */
export const DEFAULT_LIST_LIMIT = 100

const orders = collection<OrderDoc>('orders', {
  // order.created and order.cancelled are stored with the write that causes them.
  outbox: true,
  indexes: [
    // What the sweep looks for: orders of a status past their expiry.
    {
      name: 'status_expiry',
      fields: [
        ['status', 1],
        ['expiresAt', 1],
      ],
    },
    {
      name: 'customer_newest',
      fields: [
        ['customerId', 1],
        ['createdAt', -1],
        ['seq', -1],
      ],
    },
  ],
})

const toItem = (i: OrderItem): OrderItem => ({
  id: i.id,
  name: i.name,
  quantity: i.quantity,
  priceId: i.priceId,
  unitAmount: i.unitAmount,
})

const toOrder = (doc: OrderDoc): Order => ({
  id: doc._id,
  customerId: doc.customerId,
  status: doc.status,
  items: doc.items.map(toItem),
  total: doc.total,
  currency: doc.currency,
  paymentLink: doc.paymentLink,
  createdAt: doc.createdAt,
  updatedAt: doc.updatedAt,
  traceParent: doc.traceParent,
  expiresAt: doc.expiresAt ?? '',
  refund: doc.refund && { ...doc.refund },
})

export function orderRepository(
  orders: Collection<OrderDoc>,
  keys?: Collection<IdempotencyKeyDoc>,
) {
  const keyStore = () => {
    if (!keys) throw new Error('no idempotency key collection')
    return keys
  }
  return {
    /** Claims the key for an order; false when another request holds it already. */
    claimKey: (record: IdempotencyKeyRecord): Promise<boolean> =>
      keyStore().insert({ _id: keyId(record.customerId, record.key), ...record }),
    getKey: (customerId: string, key: string): Promise<IdempotencyKeyDoc | undefined> =>
      keyStore().get(keyId(customerId, key)),
    /** Takes over a key that held `previousOrderId` (expired, or its placing failed). */
    async reclaimKey(previousOrderId: string, record: IdempotencyKeyRecord): Promise<boolean> {
      const { customerId, key, ...rest } = record
      const doc = await keyStore().update(
        keyId(customerId, key),
        { set: rest },
        { where: { orderId: previousOrderId } },
      )
      return doc !== undefined
    },
    /** Gives the key up while it still holds this order (its placing failed). */
    releaseKey: (customerId: string, key: string, orderId: string): Promise<boolean> =>
      keyStore().delete(keyId(customerId, key), { orderId }),
    /** The order with the payment expiry it was placed with (undefined while placing). */
    async getPlaced(id: string): Promise<{ order: Order; placedExpiresAt?: string } | undefined> {
      const doc = await orders.get(id)
      return doc && { order: toOrder(doc), placedExpiresAt: doc.placedExpiresAt }
    },
    /** Inserts a new order, with the events it causes; false when the id already exists. */
    insert(order: Order, events?: readonly OutgoingEvent[]): Promise<boolean> {
      // Exactly the order's own fields are stored (the store copies them).
      return orders.insert(
        {
          _id: order.id,
          customerId: order.customerId,
          status: order.status,
          items: order.items.map(toItem),
          total: order.total,
          currency: order.currency,
          paymentLink: order.paymentLink,
          createdAt: order.createdAt,
          updatedAt: order.updatedAt,
          traceParent: order.traceParent,
          expiresAt: order.expiresAt,
          // Stored placed: its payment expiry is the one it was placed with.
          placedExpiresAt: order.expiresAt,
          seq: sortableId(),
        },
        events && { events },
      )
    },
    get: (id: string): Promise<Order | undefined> =>
      orders.get(id).then((doc) => doc && toOrder(doc)),
    /** Orders of the status whose expiry is before `before` (RFC 3339), soonest expired first. */
    async expired(status: string, before: string, limit = EXPIRED_PAGE): Promise<Order[]> {
      const docs = await orders.find('status_expiry', {
        where: { status, expiresAt: { $lt: before } },
        limit,
      })
      return docs.map(toOrder)
    },
    /**
     * Records that a payment for a cancelled order is to be given back, with the event that
     * asks for it; undefined unless the order is cancelled with no refund yet (so once).
     */
    async requestRefund(
      id: string,
      refund: Refund,
      events: readonly OutgoingEvent[],
    ): Promise<Order | undefined> {
      const doc = await orders.update(
        id,
        { set: { refund: { ...refund }, updatedAt: refund.requestedAt } },
        { where: { status: 'cancelled', refund: { $exists: false } }, events },
      )
      return doc && toOrder(doc)
    },
    /** Deletes an order while it has the status (a placing that failed); true when deleted. */
    deleteWhile: (id: string, status: string): Promise<boolean> => orders.delete(id, { status }),
    /** The customer's orders, newest first. */
    async listByCustomer(customerId: string, limit = DEFAULT_LIST_LIMIT): Promise<Order[]> {
      const docs = await orders.find('customer_newest', { where: { customerId }, limit })
      return docs.map(toOrder)
    },
    /**
     * Applies the patch only while the order's status is one of `whenStatus` (any status when
     * omitted), storing `events` with it. Returns the updated order, or undefined when the
     * order is missing or the condition failed.
     */
    async update(
      id: string,
      patch: OrderPatch,
      whenStatus?: readonly string[],
      events?: readonly OutgoingEvent[],
    ): Promise<Order | undefined> {
      const doc = await orders.update(
        id,
        {
          set: {
            ...(patch.status !== undefined && { status: patch.status }),
            ...(patch.paymentLink !== undefined && { paymentLink: patch.paymentLink }),
            ...(patch.expiresAt !== undefined && { expiresAt: patch.expiresAt }),
            ...(patch.placedExpiresAt !== undefined && { placedExpiresAt: patch.placedExpiresAt }),
            ...(patch.refund !== undefined && { refund: { ...patch.refund } }),
            updatedAt: patch.updatedAt,
          },
        },
        {
          ...(whenStatus && { where: { status: { $in: whenStatus } } }),
          ...(events && { events }),
        },
      )
      return doc && toOrder(doc)
    },
  }
}

/** Idempotency-Keys by (customer, key): looked up by `_id` only, so no index. */
const idempotencyKeys = collection<IdempotencyKeyDoc>('idempotency_keys')

export const orderData = data({ orders, idempotencyKeys }, (c) =>
  orderRepository(c.orders, c.idempotencyKeys),
)
