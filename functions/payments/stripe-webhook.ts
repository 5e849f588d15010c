// Trigger: HTTP POST /api/payments/webhook — verifies the Stripe-Signature over the raw body,
// turns checkout outcomes into order.paid / order.cancelled on the bus and answers at once.
// Each Stripe event id is acted on once; a redelivery gets 200 and changes nothing. An event
// whose session or customer is not the one recorded for its order is ignored.
import { Hono } from 'hono'
import { orderCancelled, orderPaid } from '../../shared/events.ts'
import { payments } from './domain.ts'
import { paymentOutcome } from './lib/payment-outcome.ts'
import { paymentsOf } from './lib/payments-of.ts'

export default payments.http((ctx) =>
  new Hono().post('/api/payments/webhook', async (c) => {
    const provider = await paymentsOf(ctx)
    const event = await provider.verifyWebhook(await c.req.text(), c.req.header('stripe-signature'))
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
    // Signed by Stripe, but about the order's own session and customer? The session recorded
    // when the order's checkout was opened says.
    const recorded = await provider.sessionOf(orderId)
    const session = event.session!
    if (
      !recorded ||
      recorded.sessionId !== session.id ||
      (recorded.customerId && recorded.customerId !== customerId)
    ) {
      const why = 'session or customer does not match the order'
      ctx.log.warn({ eventId: event.id, orderId, sessionId: session.id, why }, 'webhook ignored')
      return c.json({ received: true, ignored: why })
    }
    const base = { eventId: event.id, orderId, customerId, occurredAt: new Date().toISOString() }
    const effect =
      outcome.kind === 'paid'
        ? ctx.bus.event(orderPaid, {
            ...base,
            paymentId: session.id,
            ...(session.paymentIntent && { paymentIntent: session.paymentIntent }),
          })
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
