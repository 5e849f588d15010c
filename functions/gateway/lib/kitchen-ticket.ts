/**
 * What the kitchen display shows of an order: its pickup number, lines and times — nothing of
 * the customer (no customer id, no prices, no payment).
 */
import type { Order } from '../../../proto/gen/oms.ts'
import type { KitchenTicket } from './api-schemas.ts'
import { orderNumber } from './order-number.ts'

/** The statuses an order is on the display in. */
export const ON_DISPLAY = ['paid', 'preparing', 'ready'] as const

export const isOnDisplay = (status: string): status is KitchenTicket['status'] =>
  (ON_DISPLAY as readonly string[]).includes(status)

/** How far back the display looks: orders placed within a long shift. */
export const DISPLAY_WINDOW_MS = 16 * 3_600_000

export function presentTicket(order: Order): KitchenTicket {
  return {
    id: order.id,
    number: orderNumber(order.id),
    status: order.status as KitchenTicket['status'],
    items: order.items.map(({ id, name, quantity }) => ({ id, name, quantity })),
    placedAt: order.createdAt,
    updatedAt: order.updatedAt,
  }
}
