// Trigger: consumer of order.paid — marks a pending order paid. A duplicate never moves the
// order backwards; a payment that arrives after the order was cancelled is to be given back:
// the refund is recorded on the order with order.refund-requested (one write, once per order).
// The move to paid stores order.status-changed with it.

import type { ConsumerContextOf } from '../../runtime/model/domain.ts'
import type { EventBody } from '../../shared/events.ts'
import { orderPaid, orderRefundRequested, orderStatusChanged } from '../../shared/events.ts'
import { orders } from './domain.ts'
import { statusChangedEvent } from './lib/order-events.ts'

async function refundLatePayment(
  event: EventBody<'order.paid'>,
  ctx: ConsumerContextOf<typeof orders>,
) {
  const { orderId, customerId, paymentId, paymentIntent } = event
  if (!paymentId)
    return ctx.log.error({ orderId }, 'payment for a cancelled order names no session to refund')
  const requestedAt = new Date().toISOString()
  const requested = ctx.bus.event(orderRefundRequested, {
    eventId: `${orderId}:refund-requested`,
    orderId,
    customerId,
    occurredAt: requestedAt,
    paymentId,
    ...(paymentIntent && { paymentIntent }),
  })
  const refund = { status: 'requested', paymentId, refundId: '', requestedAt, refundedAt: '' }
  if (await ctx.data.requestRefund(orderId, refund, [requested]))
    return ctx.log.warn({ orderId, paymentId }, 'payment for a cancelled order: refund requested')
  ctx.log.info({ orderId }, 'refund already requested for this order')
}

export default orders.consumer(orderPaid, async (event, ctx) => {
  const { orderId } = event
  const paidAt = new Date().toISOString()
  const changed = ctx.bus.event(orderStatusChanged, statusChangedEvent(orderId, 'paid', paidAt))
  const moved = await ctx.data.update(
    orderId,
    { status: 'paid', updatedAt: paidAt },
    ['pending'],
    [changed],
  )
  if (moved) return ctx.log.info({ orderId }, 'order paid')
  const order = await ctx.data.get(orderId)
  if (!order) return ctx.log.warn({ orderId }, 'payment for an unknown order ignored')
  if (order.status === 'cancelled') return refundLatePayment(event, ctx)
  ctx.log.info({ orderId, status: order.status }, 'duplicate payment event ignored')
})
