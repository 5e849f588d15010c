/**
 * MongoDB orders repository: one document per order, `_id` = order id. A status move is one
 * findOneAndUpdate conditioned on the allowed previous statuses, so of any number of racing
 * moves exactly one applies and a late or duplicate event can never move an order backwards.
 */
import { type Db, ObjectId } from 'mongodb'
import type { Order, OrderItem } from '../../../../proto/gen/oms.ts'
import type { OrderRepo } from '../../../ports/store.ts'
import { COLLECTIONS, isDuplicateKey } from './indexes.ts'

/** Orders listed when the caller gives no limit (as the embedded store). */
const DEFAULT_LIST_LIMIT = 100

interface OrderDoc extends Omit<Order, 'id'> {
  _id: string
  /** Insertion order: breaks ties between orders created in the same millisecond. */
  seq: ObjectId
}

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

export function mongoOrders(db: Db): OrderRepo {
  const orders = db.collection<OrderDoc>(COLLECTIONS.orders)
  return {
    async insert(order) {
      const seq = new ObjectId()
      // Through toOrder, so exactly the order's own fields are stored.
      const { id, ...fields } = toOrder({ ...order, _id: order.id, seq })
      try {
        await orders.insertOne({ _id: id, ...fields, seq })
        return true
      } catch (err) {
        if (isDuplicateKey(err)) return false
        throw err
      }
    },
    async get(id) {
      const doc = await orders.findOne({ _id: id })
      return doc ? toOrder(doc) : undefined
    },
    async listByCustomer(customerId, { limit = DEFAULT_LIST_LIMIT } = {}) {
      const docs = await orders
        .find({ customerId })
        .sort({ createdAt: -1, seq: -1 })
        .limit(limit)
        .toArray()
      return docs.map(toOrder)
    },
    async update(id, patch, whenStatus) {
      const doc = await orders.findOneAndUpdate(
        whenStatus ? { _id: id, status: { $in: [...whenStatus] } } : { _id: id },
        {
          $set: {
            ...(patch.status !== undefined && { status: patch.status }),
            ...(patch.paymentLink !== undefined && { paymentLink: patch.paymentLink }),
            updatedAt: patch.updatedAt,
          },
        },
        { returnDocument: 'after' },
      )
      return doc ? toOrder(doc) : undefined
    },
  }
}
