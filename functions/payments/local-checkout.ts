// Trigger: HTTP GET /checkout/:id, POST /checkout/:id/pay and /cancel — the local stand-in for
// Stripe Checkout (payments without STRIPE_SECRET_KEY): the page shows the session's lines and
// total; Pay / Cancel deliver a Stripe-signed checkout.session.completed / .expired event to the
// webhook function (the same code path as Stripe's), then send the customer back to the shop.
import { Hono, type Context as HonoContext } from 'hono'
import { payments } from './domain.ts'
import { checkoutPage } from './lib/checkout-page.ts'
import { paymentsOf } from './lib/payments-of.ts'
import type { CheckoutOutcome, LocalCheckout } from './lib/provider/provider.ts'

const WEBHOOK = { fn: 'payments.stripe-webhook', path: '/api/payments/webhook' }
const missing = '<!doctype html><title>Checkout</title><h1>No such checkout</h1>'

export default payments.http((ctx) => {
  const app = new Hono()
  if (ctx.settings.secretKey) return app // Stripe Checkout is in use: no local page.
  const local = async (): Promise<LocalCheckout> => (await paymentsOf(ctx)).local!
  app.get('/checkout/:id', async (c) => {
    const session = await (await local()).session(c.req.param('id'))
    return session ? c.html(checkoutPage(session)) : c.html(missing, 404)
  })
  const settle = (outcome: CheckoutOutcome) => async (c: HonoContext) => {
    const checkout = await local()
    const session = await checkout.session(c.req.param('id') ?? '')
    if (!session) return c.html(missing, 404)
    // Not payable once it is no longer open, or once its order's payment time is over (orders
    // is about to cancel the order).
    const over = session.expiresAt !== undefined && Date.parse(session.expiresAt) <= Date.now()
    if (session.status !== 'open' || (over && outcome === 'paid'))
      return c.html(checkoutPage(session, over ? 'This checkout has expired.' : undefined), 409)
    const { payload, signature } = await checkout.signedEvent(session, outcome)
    let status: number
    try {
      const res = await ctx.http.fetch(WEBHOOK.fn, WEBHOOK.path, {
        method: 'POST',
        body: payload,
        headers: { 'content-type': 'application/json', 'stripe-signature': signature },
      })
      status = res.status
    } catch {
      status = 503
    }
    if (status !== 200) {
      const notice = `The shop did not accept the payment (HTTP ${status}); try again.`
      return c.html(checkoutPage(session, notice), 502)
    }
    await checkout.settle(session, outcome)
    return c.redirect(outcome === 'paid' ? session.successUrl : session.cancelUrl, 303)
  }
  app.post('/checkout/:id/pay', settle('paid'))
  app.post('/checkout/:id/cancel', settle('cancelled'))
  return app
})
