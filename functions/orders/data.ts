/**
 * The orders domain's data: one document per order. A status move is one guarded update on the
 * allowed previous statuses, so of any number of racing moves exactly one applies and a late or
 * duplicate event can never move an order backwards.
 */
import type { Order, OrderItem, Refund } from '../../proto/gen/oms.ts'
import { collection, data } from '../../runtime/model/data.ts'
import type { Collection, OutgoingEvent } from '../../runtime/ports/documents.ts'
import { sortableId } from '../../shared/sortable-id.ts'

interface OrderDoc extends Omit<Order, 'id' | 'refund'> {
  _id: string
  refund?: Refund
  /** Insertion order: breaks ties between orders created in the same millisecond. */
  seq: string
  /** The payment expiry it was placed with (absent on orders stored before it was kept). */
  placedExpiresAt?: string
  /** The hash of the request that placed it, when that one had an idempotency key. */
  placedWith?: string
}

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
  // order.created, order.cancelled and order.status-changed are stored with the write that
  // causes them.
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
    // The kitchen's queue: orders of a status, oldest placed first.
    {
      name: 'status_placed',
      fields: [
        ['status', 1],
        ['createdAt', 1],
        ['seq', 1],
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

export function orderRepository(orders: Collection<OrderDoc>) {
  return {
    /** The order with the payment expiry and the request hash it was placed with. */
    async getPlaced(
      id: string,
    ): Promise<{ order: Order; placedExpiresAt?: string; placedWith?: string } | undefined> {
      const doc = await orders.get(id)
      return (
        doc && {
          order: toOrder(doc),
          placedExpiresAt: doc.placedExpiresAt,
          placedWith: doc.placedWith,
        }
      )
    },
    /**
     * Inserts a new order, with the events it causes (and the hash of the keyed request that
     * placed it); false when the id already exists.
     */
    insert(order: Order, events?: readonly OutgoingEvent[], placedWith?: string): Promise<boolean> {
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
          ...(placedWith !== undefined && { placedWith }),
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
    /** Orders of the status placed at or after `since` (RFC 3339; '' for all), oldest first. */
    async listByStatus(status: string, since: string, limit: number): Promise<Order[]> {
      const docs = await orders.find('status_placed', {
        where: since ? { status, createdAt: { $gte: since } } : { status },
        limit,
      })
      return docs.map(toOrder)
    },
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

export const orderData = data({ orders }, (c) => orderRepository(c.orders))
