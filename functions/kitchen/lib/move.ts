/**
 * The kitchen's moves of an order (preparing, ready, collected), the same whether the simulated
 * kitchen or the staff make them: one guarded UpdateOrder each, so a repeat is a no-op and
 * nothing moves backwards; reaching ready announces order.ready (its id makes a repeat the same
 * event).
 */
import type { Order } from '../../../proto/gen/oms.ts'
import type { ContextOf } from '../../../runtime/model/domain.ts'
import { orderReady } from '../../../shared/events.ts'
import type { kitchen } from '../domain.ts'

export type KitchenContext = ContextOf<typeof kitchen>

export const KITCHEN_STATUSES = ['preparing', 'ready', 'collected'] as const
export type KitchenStatus = (typeof KITCHEN_STATUSES)[number]

export const isKitchenStatus = (value: string): value is KitchenStatus =>
  (KITCHEN_STATUSES as readonly string[]).includes(value)

export async function announceReady(order: Order, ctx: KitchenContext): Promise<void> {
  await ctx.bus.publish(orderReady, {
    eventId: `${order.id}:ready`,
    orderId: order.id,
    customerId: order.customerId,
    occurredAt: order.updatedAt,
  })
}

/** Moves the order to `status`; the order as it is after (a repeat answers it unchanged). */
export async function moveOrder(
  orderId: string,
  status: KitchenStatus,
  ctx: KitchenContext,
): Promise<Order> {
  const { order } = await ctx.clients.orders.updateOrder({ orderId, status, paymentLink: '' })
  if (status === 'ready') await announceReady(order!, ctx)
  return order!
}
