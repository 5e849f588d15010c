/**
 * Routes of the local checkout: the page, and Pay / Cancel, which sign a Stripe event and
 * deliver it to the webhook function before sending the customer back to the shop.
 */
import { Hono } from 'hono'
import { signedCheckoutEvent } from './checkout-event.ts'
import { checkoutPage } from './checkout-page.ts'
import type { LocalPayments } from './local-payments.ts'

/** Sends a signed webhook to the webhook function; resolves to its HTTP status. */
export type DeliverWebhook = (payload: string, signature: string) => Promise<number>

export function localCheckoutApp(payments: LocalPayments, deliver: DeliverWebhook): Hono {
  const app = new Hono()
  app.get('/checkout/:id', (c) => {
    const session = payments.session(c.req.param('id'))
    if (!session) return c.html('<h1>No such checkout</h1>', 404)
    return c.html(checkoutPage(session))
  })
  for (const outcome of ['paid', 'cancelled'] as const) {
    app.post(`/checkout/:id/${outcome === 'paid' ? 'pay' : 'cancel'}`, async (c) => {
      const session = payments.session(c.req.param('id'))
      if (!session) return c.html('<h1>No such checkout</h1>', 404)
      if (session.status !== 'open') return c.html(checkoutPage(session), 409)
      const { payload, signature } = signedCheckoutEvent(session, outcome, payments.webhookSecret)
      const status = await deliver(payload, signature)
      if (status !== 200) {
        return c.html(
          checkoutPage(session, `The shop did not accept the payment (HTTP ${status}); try again.`),
          502,
        )
      }
      session.status = outcome === 'paid' ? 'complete' : 'expired'
      return c.redirect(outcome === 'paid' ? session.successUrl : session.cancelUrl, 303)
    })
  }
  return app
}
