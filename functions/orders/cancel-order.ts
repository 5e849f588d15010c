// Trigger: gRPC OrderService.CancelOrder — a customer cancels a pending order; its stock is
// released through order.cancelled. Cancelling a cancelled order again is a harmless repeat.

import { orderCancelled } from '../../shared/events.ts'
import { invalidTransition } from '../../shared/order-status.ts'
import { orders } from './domain.ts'
import { findOrder } from './lib/find-order.ts'
import { orderCancelledEvent } from './lib/order-events.ts'

export default orders.grpcMethod('cancelOrder', async ({ orderId, customerId }, ctx) => {
  const current = await findOrder(ctx, orderId, customerId)
  const order =
    current.status === 'cancelled'
      ? current
      : await ctx.data.update(
          orderId,
          { status: 'cancelled', updatedAt: new Date().toISOString() },
          ['pending'],
        )
  if (!order) throw invalidTransition(orderId, (await findOrder(ctx, orderId)).status, 'cancelled')
  // Published again on a repeat, so a cancel whose event was lost can be completed by retrying.
  await ctx.bus.publish(orderCancelled, orderCancelledEvent(order, 'customer'))
  ctx.log.info({ orderId }, 'order cancelled by customer')
  return { order }
})
