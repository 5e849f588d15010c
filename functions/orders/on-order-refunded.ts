// Trigger: consumer of order.refunded — records on the cancelled order that its late payment
// was given back (the provider's refund id and when). Repeats change nothing.
import { orderRefunded } from '../../shared/events.ts'
import { orders } from './domain.ts'

export default orders.consumer(orderRefunded, async (event, ctx) => {
  const { orderId, paymentId, refundId, occurredAt } = event
  const order = await ctx.data.get(orderId)
  if (!order?.refund) return ctx.log.warn({ orderId }, 'refund of an order with none requested')
  if (order.refund.status === 'refunded') return
  const refund = {
    ...order.refund,
    status: 'refunded',
    paymentId,
    refundId,
    refundedAt: occurredAt,
  }
  await ctx.data.update(orderId, { refund, updatedAt: occurredAt }, ['cancelled'])
  ctx.log.info({ orderId, refundId }, 'late payment refunded')
})
