// Trigger: gRPC OrderService.CancelOrder — a customer cancels a pending order; its stock is
// released through order.cancelled. Cancelling a cancelled order again is a harmless repeat.

import { grpcMethod } from '../../runtime/model/define.ts'
import { invalidTransition } from '../../shared/order-status.ts'
import { findOrder } from './lib/find-order.ts'
import { orderCancelledEvent } from './lib/order-events.ts'

export default grpcMethod('orders', 'cancelOrder', async ({ orderId, customerId }, ctx) => {
  const current = await findOrder(ctx, orderId, customerId)
  const order =
    current.status === 'cancelled'
      ? current
      : await ctx.store.orders.update(
          orderId,
          { status: 'cancelled', updatedAt: new Date().toISOString() },
          ['pending'],
        )
  if (!order) throw invalidTransition(orderId, (await findOrder(ctx, orderId)).status, 'cancelled')
  // Published again on a repeat, so a cancel whose event was lost can be completed by retrying.
  await ctx.bus.publish('order.cancelled', orderCancelledEvent(order, 'customer'))
  ctx.log.info({ orderId }, 'order cancelled by customer')
  return { order }
})
