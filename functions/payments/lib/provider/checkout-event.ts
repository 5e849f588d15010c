/** Builds and signs the Stripe event a local checkout sends, with Stripe's own helper. */
import { loadStripe } from './load-stripe.ts'
import type { CheckoutOutcome, LocalSession } from './provider.ts'

/** The local stand-in for the PaymentIntent a session's payment made. */
export const paymentIntentOf = (session: LocalSession) =>
  `pi_local_${session.id.replace(/^cs_local_/, '')}`

export async function signedCheckoutEvent(
  session: LocalSession,
  outcome: CheckoutOutcome,
  secret: string,
): Promise<{ payload: string; signature: string }> {
  const type = outcome === 'paid' ? 'checkout.session.completed' : 'checkout.session.expired'
  const amountTotal = session.lines.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0)
  const payload = JSON.stringify({
    // One event per session and outcome, as Stripe sends one; redeliveries keep the id.
    id: `evt_local_${session.id.replace(/^cs_local_/, '')}_${outcome}`,
    object: 'event',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    data: {
      object: {
        id: session.id,
        object: 'checkout.session',
        mode: 'payment',
        status: outcome === 'paid' ? 'complete' : 'expired',
        payment_status: outcome === 'paid' ? 'paid' : 'unpaid',
        payment_intent: outcome === 'paid' ? paymentIntentOf(session) : null,
        amount_total: amountTotal,
        currency: session.currency,
        metadata: {
          orderId: session.orderId,
          customerId: session.customerId,
          ...(session.traceParent && { traceparent: session.traceParent }),
        },
        success_url: session.successUrl,
        cancel_url: session.cancelUrl,
      },
    },
  })
  const { webhooks } = await loadStripe()
  const signature = webhooks.generateTestHeaderString({ payload, secret })
  return { payload, signature }
}
