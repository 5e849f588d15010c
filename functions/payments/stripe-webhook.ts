// Trigger: HTTP POST /api/payments/webhook — verifies the Stripe-Signature over the raw body,
// turns checkout outcomes into order.paid / order.cancelled on the bus and answers at once.
// Each Stripe event id is acted on once; a redelivery gets 200 and changes nothing.
import { Hono } from 'hono'
import { orderCancelled, orderPaid } from '../../shared/events.ts'
import { payments } from './domain.ts'
import { paymentOutcome } from './lib/payment-outcome.ts'
import { paymentsOf } from './lib/payments-of.ts'

export default payments.http((ctx) =>
  new Hono().post('/api/payments/webhook', async (c) => {
    const event = await (await paymentsOf(ctx)).verifyWebhook(
      await c.req.text(),
      c.req.header('stripe-signature'),
    )
    // Stripe starts a new trace; link it to the order's, kept in the session's metadata.
    const orderTrace = event.session?.metadata.traceparent
    if (orderTrace) ctx.trace.link(orderTrace, { 'oms.link': 'order' })
    const outcome = paymentOutcome(event)
    const orderId = event.session?.metadata.orderId
    const customerId = event.session?.metadata.customerId
    if (outcome.kind === 'ignored' || !orderId || !customerId) {
      const why =
        outcome.kind === 'ignored' ? outcome.why : 'session has no orderId/customerId metadata'
      ctx.log.info({ eventId: event.id, type: event.type, why }, 'webhook ignored')
      return c.json({ received: true, ignored: why })
    }
    if (!(await ctx.data.webhookEvents.markOnce(event.id))) {
      return c.json({ received: true, duplicate: true })
    }
    const base = { eventId: event.id, orderId, customerId, occurredAt: new Date().toISOString() }
    try {
      if (outcome.kind === 'paid')
        await ctx.bus.publish(orderPaid, { ...base, paymentId: event.session?.id })
      else await ctx.bus.publish(orderCancelled, { ...base, reason: outcome.reason })
    } catch (err) {
      // Not published: forget the event so Stripe's redelivery is acted on.
      await ctx.data.webhookEvents.unmark(event.id)
      throw err
    }
    ctx.log.info({ eventId: event.id, type: event.type, orderId }, 'webhook accepted')
    return c.json({ received: true })
  }),
)
