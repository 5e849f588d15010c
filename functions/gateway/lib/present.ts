/** The public JSON shape of an order (DESIGN.md's `Order`). */
import type { Order } from '../../../proto/gen/oms.ts'

export function presentOrder(order: Order) {
  return {
    id: order.id,
    customerId: order.customerId,
    status: order.status,
    items: order.items.map(({ id, name, quantity, priceId, unitAmount }) => ({
      id,
      name,
      quantity,
      priceId,
      unitAmount,
    })),
    total: order.total,
    currency: order.currency,
    paymentLink: order.paymentLink || null,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  }
}

export type PublicOrder = ReturnType<typeof presentOrder>
