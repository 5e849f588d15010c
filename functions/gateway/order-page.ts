// Trigger: HTTP GET /orders/:customerId/:orderId — the page a new order redirects to: it sends
// the customer to the payment link (when arriving without ?checkout=), then follows the order's
// status live (pending → paid → preparing → ready, or cancelled) and offers Cancel while pending.
import { Hono } from 'hono'
import { html } from 'hono/html'
import { gateway } from './domain.ts'
import { orderNumber } from './lib/order-number.ts'
import { webAssets } from './lib/web-assets.ts'
import { sendPage, webPage } from './lib/web-page.ts'

export default gateway.http(() =>
  new Hono()
    .get('/orders/:customerId/:orderId', (c) => {
      const { customerId, orderId } = c.req.param()
      const number = orderNumber(orderId)
      return sendPage(
        c,
        webPage({
          title: `Order #${number}`,
          script: 'order-page.js',
          data: { view: 'order', 'customer-id': customerId, 'order-id': orderId },
          body: html`<article class="order-page" aria-labelledby="order-title">
  <h1 id="order-title">Order <span class="order-number">#${number}</span></h1>
  <p id="order-status" class="status-line" role="status" aria-live="polite" tabindex="-1">Loading your order…</p>
  <ol id="order-progress" class="progress" aria-label="Order progress"></ol>
  <div id="order-ready"></div>
  <div id="order-error" class="alert" role="alert"></div>
  <div id="order-actions" class="actions"></div>
  <section id="order-details" class="order-details" aria-labelledby="items-title" hidden>
    <h2 id="items-title">Items</h2>
    <div id="order-items"></div>
  </section>
  <p class="back-links"><a href="/my-orders">All my orders</a> · <a href="/">Back to the menu</a></p>
</article>`,
        }),
      )
    })
    .route('/', webAssets()),
)
