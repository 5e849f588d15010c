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
    const base = { eventId: event.id, orderId, customerId, occurredAt: new Date().toISOString() }
    const effect =
      outcome.kind === 'paid'
        ? ctx.bus.event(orderPaid, { ...base, paymentId: event.session?.id })
        : ctx.bus.event(orderCancelled, { ...base, reason: outcome.reason })
    // The mark and the event it causes are one write: a crash after it loses nothing, and
    // Stripe's redelivery finds the mark.
    if (!(await ctx.data.webhookEvents.markOnce(event.id, [effect]))) {
      return c.json({ received: true, duplicate: true })
    }
    ctx.log.info({ eventId: event.id, type: event.type, orderId }, 'webhook accepted')
    return c.json({ received: true })
  }),
)
