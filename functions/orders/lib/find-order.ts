/** Loads an order, treating another customer's order as not found. */
import type { Order } from '../../../proto/gen/oms.ts'
import type { ContextOf } from '../../../runtime/model/domain.ts'
import { DomainError } from '../../../shared/errors.ts'
import type { orders } from '../domain.ts'

/** ORDER_NOT_FOUND for this order. */
export const orderNotFound = (orderId: string): DomainError =>
  new DomainError('ORDER_NOT_FOUND', `order ${orderId} not found`, { orderId })

export async function findOrder(
  ctx: ContextOf<typeof orders>,
  orderId: string,
  customerId?: string,
): Promise<Order> {
  const order = orderId ? await ctx.data.get(orderId) : undefined
  if (!order || (customerId && order.customerId !== customerId)) {
    throw orderNotFound(orderId)
  }
  return order
}
