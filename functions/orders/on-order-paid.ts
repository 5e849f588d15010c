// Trigger: consumer of order.paid — marks a pending order paid. A duplicate, or a payment that
// arrives after the order was cancelled, never moves the order backwards.
import { orderPaid } from '../../shared/events.ts'
import { orders } from './domain.ts'

export default orders.consumer(orderPaid, async ({ orderId }, ctx) => {
  const moved = await ctx.data.update(
    orderId,
    { status: 'paid', updatedAt: new Date().toISOString() },
    ['pending'],
  )
  if (moved) return ctx.log.info({ orderId }, 'order paid')
  const order = await ctx.data.get(orderId)
  if (!order) return ctx.log.warn({ orderId }, 'payment for an unknown order ignored')
  if (order.status === 'cancelled') {
    return ctx.log.warn(
      { orderId },
      'payment received for a cancelled order: it stays cancelled (refund it)',
    )
  }
  ctx.log.info({ orderId, status: order.status }, 'duplicate payment event ignored')
})
