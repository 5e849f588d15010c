/** The public JSON shapes of an order and of the menu, typed by the API's schemas (api-schemas.ts). */
import type { MenuItem, Order, StockLevel } from '../../../proto/gen/oms.ts'
import type { OrderStatus } from '../../../shared/order-status.ts'
import type { MenuAnswer, PublicOrder, Refund } from './api-schemas.ts'

export function presentOrder(order: Order): PublicOrder {
  return {
    id: order.id,
    customerId: order.customerId,
    // Written only by the orders domain's guarded moves, which know no other status.
    status: order.status as OrderStatus,
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
          status: order.refund.status as Refund['status'],
          requestedAt: order.refund.requestedAt,
          refundedAt: order.refund.refundedAt || null,
        }
      : null,
  }
}

export type { PublicOrder }

type MenuFields = Pick<
  MenuItem,
  'id' | 'name' | 'description' | 'priceId' | 'unitAmount' | 'currency'
>

/** `GET /api/menu`'s body: each item with what can still be ordered of it. */
export function presentMenu(
  items: readonly MenuFields[],
  levels: readonly Pick<StockLevel, 'itemId' | 'available'>[],
): MenuAnswer {
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
