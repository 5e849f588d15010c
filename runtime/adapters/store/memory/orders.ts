/** Embedded orders repository with conditional (compare-and-set) status moves. */
import type { Order } from '../../../../proto/gen/oms.ts'
import type { OrderRepo } from '../../../ports/store.ts'

const copy = (order: Order): Order => ({ ...order, items: order.items.map((i) => ({ ...i })) })

export function memoryOrders(): OrderRepo {
  const orders = new Map<string, Order>()
  const byCustomer = new Map<string, string[]>()
  return {
    async insert(order) {
      if (orders.has(order.id)) return false
      orders.set(order.id, copy(order))
      const ids = byCustomer.get(order.customerId) ?? []
      ids.push(order.id)
      byCustomer.set(order.customerId, ids)
      return true
    },
    async get(id) {
      const order = orders.get(id)
      return order && copy(order)
    },
    async listByCustomer(customerId, { limit = 100 } = {}) {
      const ids = byCustomer.get(customerId) ?? []
      const list = ids.map((id) => orders.get(id)).filter((o): o is Order => o !== undefined)
      // Newest first; insertion order breaks ties between equal timestamps.
      return list
        .map((order, index) => ({ order, index }))
        .sort((a, b) => b.order.createdAt.localeCompare(a.order.createdAt) || b.index - a.index)
        .slice(0, limit)
        .map(({ order }) => copy(order))
    },
    async update(id, patch, whenStatus) {
      const order = orders.get(id)
      if (!order) return undefined
      if (whenStatus && !whenStatus.includes(order.status)) return undefined
      if (patch.status !== undefined) order.status = patch.status
      if (patch.paymentLink !== undefined) order.paymentLink = patch.paymentLink
      order.updatedAt = patch.updatedAt
      return copy(order)
    },
  }
}
