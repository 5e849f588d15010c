/** The local checkout page: line items, total, Pay and Cancel. Self-contained HTML. */
import { html } from 'hono/html'
import type { LocalSession } from './provider/provider.ts'

/** An amount in the currency's minor unit, with the currency's own number of decimals. */
export function formatMoney(amount: number, currency: string): string {
  const format = new Intl.NumberFormat('en', {
    style: 'currency',
    currency: currency.toUpperCase(),
  })
  return format.format(amount / 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2))
}

// Interpolated into <style> and so HTML-escaped: no quotes or angle brackets in here.
const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1a1f36;background:#fff}
.layout{display:grid;grid-template-columns:1fr 1fr;min-height:100vh}
.summary{background:#f6f9fc;padding:3rem clamp(1.25rem,5vw,4rem);display:flex;justify-content:flex-end}
.pay{padding:3rem clamp(1.25rem,5vw,4rem);box-shadow:-1px 0 0 #e3e8ee}
.inner{width:100%;max-width:26rem}
.merchant{display:flex;align-items:center;gap:.6rem;font-weight:600}
.logo{width:1.75rem;height:1.75rem;border-radius:8px;background:radial-gradient(circle,#fff7ed 0 36%,#c2410c 38%)}
.pill{margin-left:auto;padding:.1rem .55rem;border-radius:999px;background:#ffde92;color:#5e3b00;font-size:.75rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em}
.due{margin:2rem 0 .25rem;color:#697386;font-weight:500}
.amount{margin:0 0 2rem;font-size:2.25rem;font-weight:700;letter-spacing:-.02em}
ul{list-style:none;margin:0;padding:0}
li{display:flex;justify-content:space-between;gap:1rem;padding:.75rem 0;border-bottom:1px solid #e3e8ee}
.name{font-weight:600}.qty{display:block;color:#697386;font-size:.875rem;font-weight:400}
.num{white-space:nowrap;font-variant-numeric:tabular-nums}
.total{display:flex;justify-content:space-between;padding-top:1rem;font-weight:700}
h1{font-size:1.1rem;margin:0 0 .25rem}.muted{color:#697386;font-size:.875rem;margin:0 0 1.5rem}
.card{border:1px solid #e3e8ee;border-radius:8px;padding:.75rem 1rem;color:#697386;margin-bottom:1.5rem;display:flex;justify-content:space-between;gap:1rem}
.card strong{color:#1a1f36;font-weight:600}
button{display:block;width:100%;padding:.85rem;font:inherit;font-weight:600;border-radius:8px;border:0;cursor:pointer}
button.primary{background:#635bff;color:#fff;font-size:1.05rem}
button.primary:hover{background:#4f46e5}
button.secondary{margin-top:.75rem;background:none;color:#635bff}
button.secondary:hover{background:#f6f9fc}
button:focus-visible{outline:3px solid #1a1f36;outline-offset:2px}
.notice{padding:.75rem 1rem;border-radius:8px;background:#fff4e5;margin:0 0 1.25rem}
.fine{margin-top:1.5rem;color:#8792a2;font-size:.8rem;text-align:center}
@media (max-width:48rem){.layout{grid-template-columns:1fr;min-height:0}.summary{justify-content:center;padding:1.5rem 1.25rem}.pay{padding:1.5rem 1.25rem 2.5rem;box-shadow:0 -1px 0 #e3e8ee;display:flex;justify-content:center}.due{margin-top:1.5rem}.amount{margin-bottom:1rem}}`

export function checkoutPage(session: LocalSession, notice?: string) {
  const money = (amount: number) => formatMoney(amount, session.currency)
  const total = session.lines.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0)
  const open = session.status === 'open'
  const shortOrder = session.orderId
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 8)
    .toUpperCase()
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Checkout · OMS food counter</title>
    <style>${STYLE}</style>
  </head>
  <body>
    <main class="layout">
      <section class="summary" aria-labelledby="summary-title">
        <div class="inner">
          <div class="merchant"><span class="logo" aria-hidden="true"></span>OMS food counter<span class="pill">Test mode</span></div>
          <p class="due" id="summary-title">Pay OMS food counter · order #${shortOrder}</p>
          <p class="amount">${money(total)}</p>
          <ul>
            ${session.lines.map(
              (l) => html`<li>
              <span><span class="name">${l.name} × ${l.quantity}</span><span class="qty">${money(l.unitAmount)} each</span></span>
              <span class="num">${money(l.unitAmount * l.quantity)}</span>
            </li>`,
            )}
          </ul>
          <p class="total"><span>Total due</span><span class="num" data-testid="total">${money(total)}</span></p>
        </div>
      </section>
      <section class="pay" aria-labelledby="pay-title">
        <div class="inner">
          <h1 id="pay-title">Pay with card</h1>
          <p class="muted">Local test checkout: no card is needed and nothing is charged.</p>
          ${notice ? html`<p class="notice" role="alert">${notice}</p>` : ''}
          ${
            open
              ? html`<div class="card"><span>Test card</span><strong>4242 4242 4242 4242</strong></div>
            <form method="post">
              <button class="primary" formaction="/checkout/${session.id}/pay">Pay ${money(total)}</button>
              <button class="secondary" formaction="/checkout/${session.id}/cancel">Cancel</button>
            </form>`
              : html`<p class="notice" role="status">This checkout is ${session.status}.</p>`
          }
          <p class="fine">Pay and Cancel send a signed Stripe webhook to the shop, as Stripe would.</p>
        </div>
      </section>
    </main>
  </body>
</html>`
}
