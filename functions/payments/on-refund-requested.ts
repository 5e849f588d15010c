// Trigger: consumer of order.refund-requested — gives back a payment that arrived after its
// order was cancelled, through the provider (Stripe's refund, with one idempotency key per
// order, so a retried or redelivered request refunds once), then publishes order.refunded.
import { crashAt } from '../../shared/crash-points.ts'
import { orderRefunded, orderRefundRequested } from '../../shared/events.ts'
import { payments } from './domain.ts'
import { paymentsOf } from './lib/payments-of.ts'

export default payments.consumer(orderRefundRequested, async (event, ctx) => {
  const { orderId, customerId, paymentId, paymentIntent } = event
  const provider = await paymentsOf(ctx)
  const { refundId } = await provider.refund({ orderId, sessionId: paymentId, paymentIntent })
  crashAt('payments.refund.before-publish')
  await ctx.bus.publish(orderRefunded, {
    eventId: `${orderId}:refunded`,
    orderId,
    customerId,
    occurredAt: new Date().toISOString(),
    paymentId,
    refundId,
  })
  ctx.log.info({ orderId, refundId }, 'payment refunded')
})
