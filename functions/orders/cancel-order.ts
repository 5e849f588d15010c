// Trigger: gRPC OrderService.CancelOrder — a customer cancels a pending order; its stock is
// released through order.cancelled. Cancelling a cancelled order again is a harmless repeat.

import { orderCancelled } from '../../shared/events.ts'
import { invalidTransition } from '../../shared/order-status.ts'
import { orders } from './domain.ts'
import { findOrder } from './lib/find-order.ts'
import { orderCancelledEvent } from './lib/order-events.ts'

export default orders.grpcMethod('cancelOrder', async ({ orderId, customerId }, ctx) => {
  const current = await findOrder(ctx, orderId, customerId)
  // A repeat changes nothing: the first cancel stored order.cancelled with its write.
  if (current.status === 'cancelled') return { order: current }
  const updatedAt = new Date().toISOString()
  const event = ctx.bus.event(
    orderCancelled,
    orderCancelledEvent({ ...current, updatedAt }, 'customer'),
  )
  const order = await ctx.data.update(
    orderId,
    { status: 'cancelled', updatedAt },
    ['pending'],
    [event],
  )
  if (!order) throw invalidTransition(orderId, (await findOrder(ctx, orderId)).status, 'cancelled')
  ctx.log.info({ orderId }, 'order cancelled by customer')
  return { order }
})
