/** The public JSON shapes of an order (DESIGN.md's `Order`) and of the menu. */
import type { MenuItem, Order, StockLevel } from '../../../proto/gen/oms.ts'

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
    // When a pending order is cancelled unless paid.
    expiresAt: order.expiresAt || null,
    // A payment that arrived after the order was cancelled, and its refund.
    refund: order.refund
      ? {
          status: order.refund.status,
          requestedAt: order.refund.requestedAt,
          refundedAt: order.refund.refundedAt || null,
        }
      : null,
  }
}

export type PublicOrder = ReturnType<typeof presentOrder>

type MenuFields = Pick<
  MenuItem,
  'id' | 'name' | 'description' | 'priceId' | 'unitAmount' | 'currency'
>

/** `GET /api/menu`'s body: each item with what can still be ordered of it. */
export function presentMenu(
  items: readonly MenuFields[],
  levels: readonly Pick<StockLevel, 'itemId' | 'available'>[],
) {
  const available = new Map(levels.map((l) => [l.itemId, l.available]))
  return {
    items: items.map(({ id, name, description, priceId, unitAmount, currency }) => ({
      id,
      name,
      description,
      priceId,
      unitAmount,
      currency,
      available: available.get(id) ?? 0,
    })),
  }
}
