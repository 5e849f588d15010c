// Trigger: HTTP GET /orders/:customerId/:orderId — the page a new order redirects to: it waits
// for the payment link and sends the customer to checkout, then follows the order's status live.
import { Hono } from 'hono'
import { html, raw } from 'hono/html'
import { http } from '../../runtime/model/define.ts'

const SCRIPT = `
const [, , customerId, orderId] = location.pathname.split('/').map(decodeURIComponent)
const params = new URLSearchParams(location.search)
const api = '/api/customers/' + encodeURIComponent(customerId) + '/orders/' + encodeURIComponent(orderId)
const $ = (id) => document.getElementById(id)
const LABELS = { pending: 'Waiting for payment', paid: 'Paid — sent to the kitchen', preparing: 'Being prepared', ready: 'Ready for pickup!', cancelled: 'Cancelled' }
async function refresh() {
  const res = await fetch(api)
  const body = await res.json()
  if (!res.ok) { $('status').textContent = body.error ? body.error.message : 'Something went wrong'; return }
  const o = body.order
  $('status').textContent = LABELS[o.status] || o.status
  $('status').dataset.status = o.status
  $('pay').hidden = !(o.status === 'pending' && o.paymentLink)
  if (o.paymentLink) $('pay').href = o.paymentLink
  $('cancel').hidden = o.status !== 'pending'
  if (o.status === 'pending' && o.paymentLink && !params.has('checkout')) { location.href = o.paymentLink; return }
  if (o.status !== 'ready' && o.status !== 'cancelled') setTimeout(refresh, 1000)
}
$('cancel').addEventListener('click', async () => {
  const res = await fetch(api + '/cancel', { method: 'POST' })
  if (!res.ok) { const b = await res.json(); $('status').textContent = b.error.message }
  refresh()
})
refresh()
`

export default http(() =>
  new Hono().get('/orders/:customerId/:orderId', (c) =>
    c.html(html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Your order · OMS</title>
    <style>body{font:16px/1.5 system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem}#status{font-size:1.5rem;font-weight:600}</style>
  </head>
  <body>
    <h1>Order ${c.req.param('orderId')}</h1>
    <p id="status" role="status" aria-live="polite">Loading…</p>
    <p><a id="pay" hidden>Pay now</a> <button id="cancel" type="button" hidden>Cancel order</button></p>
    <script type="module">${raw(SCRIPT)}</script>
  </body>
</html>`),
  ),
)
