/**
 * The orders domain's data: one document per order. A status move is one guarded update on the
 * allowed previous statuses, so of any number of racing moves exactly one applies and a late or
 * duplicate event can never move an order backwards.
 */
import type { Order, OrderItem } from '../../proto/gen/oms.ts'
import { collection, data } from '../../runtime/model/data.ts'
import type { Collection, OutgoingEvent } from '../../runtime/ports/documents.ts'
import { sortableId } from '../../shared/sortable-id.ts'

interface OrderDoc extends Omit<Order, 'id'> {
  _id: string
  /** Insertion order: breaks ties between orders created in the same millisecond. */
  seq: string
}

export interface OrderPatch {
  status?: string
  paymentLink?: string
  updatedAt: string
}

/** Orders listed when the caller gives no limit. */
export const DEFAULT_LIST_LIMIT = 100

const orders = collection<OrderDoc>('orders', {
  // order.created and order.cancelled are stored with the write that causes them.
  outbox: true,
  indexes: [
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
})

export function orderRepository(orders: Collection<OrderDoc>) {
  return {
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
          seq: sortableId(),
        },
        events && { events },
      )
    },
    get: (id: string): Promise<Order | undefined> =>
      orders.get(id).then((doc) => doc && toOrder(doc)),
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
