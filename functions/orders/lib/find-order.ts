/** Loads an order, treating another customer's order as not found. */
import type { Order } from '../../../proto/gen/oms.ts'
import type { Context } from '../../../runtime/model/context.ts'
import { DomainError } from '../../../shared/errors.ts'

export async function findOrder(
  ctx: Context,
  orderId: string,
  customerId?: string,
): Promise<Order> {
  const order = orderId ? await ctx.store.orders.get(orderId) : undefined
  if (!order || (customerId && order.customerId !== customerId)) {
    throw new DomainError('ORDER_NOT_FOUND', `order ${orderId} not found`, { orderId })
  }
  return order
}
