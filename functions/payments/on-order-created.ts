// Trigger: consumer of order.created — opens a checkout session for the order (line items from
// price ids, metadata orderId and customerId, success and cancel URLs) and records its payment
// link on the order. Safe to repeat by itself — the session is created once per order, the link
// set again is the same — so the runtime keeps no handled mark for it.
import { crashAt } from '../../shared/crash-points.ts'
import { orderCreated } from '../../shared/events.ts'
import { payments } from './domain.ts'
import { paymentsOf } from './lib/payments-of.ts'

export default payments.consumer(
  orderCreated,
  async (event, ctx) => {
    const { orderId, customerId } = event
    const orderPage = `${ctx.publicUrl}/orders/${encodeURIComponent(customerId)}/${encodeURIComponent(orderId)}`
    const provider = await paymentsOf(ctx)
    const session = await provider.createCheckoutSession({
      orderId,
      customerId,
      currency: event.currency,
      lines: event.items.map((i) => ({
        priceId: i.priceId,
        name: i.name,
        quantity: i.quantity,
        unitAmount: i.unitAmount,
      })),
      successUrl: `${orderPage}?checkout=success`,
      cancelUrl: `${orderPage}?checkout=cancelled`,
      // This consumer runs in the order's trace: the webhook links back to it from the session.
      traceParent: ctx.trace.traceparent(),
      expiresAt: event.expiresAt,
    })
    crashAt('payments.checkout.before-link')
    const { order } = await ctx.clients.orders.updateOrder({
      orderId,
      status: '',
      paymentLink: session.url,
    })
    // Cancelled meanwhile (it expired, or the customer cancelled before the session existed, so
    // order.cancelled found none to expire): the session must not stay payable.
    if (order?.status === 'cancelled') {
      const outcome = await provider.expireCheckoutSession(orderId)
      return ctx.log.info({ orderId, outcome }, 'order cancelled meanwhile: its session expired')
    }
    ctx.log.info({ orderId, sessionId: session.id }, 'checkout session ready')
  },
  { idempotent: true },
)
