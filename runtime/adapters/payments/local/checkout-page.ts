/** The local checkout page: line items, total, Pay and Cancel. Self-contained HTML. */
import { html } from 'hono/html'
import type { LocalSession } from './local-payments.ts'

export function formatMoney(amount: number, currency: string): string {
  return new Intl.NumberFormat('en', {
    style: 'currency',
    currency: currency.toUpperCase(),
  }).format(amount / 100)
}

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,sans-serif;background:#f6f9fc;color:#1a1f36}
main{max-width:28rem;margin:2rem auto;padding:1.5rem;background:#fff;border-radius:12px;box-shadow:0 2px 12px #0001}
h1{font-size:1.1rem;margin:0 0 .25rem}p.muted{color:#697386;margin:0 0 1rem;font-size:.9rem}
table{width:100%;border-collapse:collapse}td{padding:.5rem 0;border-bottom:1px solid #e3e8ee}
td.num{text-align:right;white-space:nowrap}tfoot td{font-weight:600;border:0;padding-top:1rem}
form{margin-top:1.25rem;display:flex;gap:.75rem}button{flex:1;padding:.8rem;font:inherit;border-radius:8px;border:0;cursor:pointer}
button.pay{background:#635bff;color:#fff}button.cancel{background:#e3e8ee;color:#1a1f36}
button:focus-visible{outline:3px solid #1a1f36;outline-offset:2px}.notice{padding:.75rem;border-radius:8px;background:#fff4e5}
@media (max-width:30rem){main{margin:0;border-radius:0;min-height:100vh}}`

export function checkoutPage(session: LocalSession, notice?: string) {
  const total = session.lines.reduce((sum, l) => sum + l.unitAmount * l.quantity, 0)
  const open = session.status === 'open'
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Checkout · OMS</title>
    <style>${STYLE}</style>
  </head>
  <body>
    <main>
      <h1>Pay OMS food counter</h1>
      <p class="muted">Local test checkout · order ${session.orderId}</p>
      ${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
      <table>
        <tbody>
          ${session.lines.map(
            (l) => html`<tr>
              <td>${l.name} × ${l.quantity}</td>
              <td class="num">${formatMoney(l.unitAmount * l.quantity, session.currency)}</td>
            </tr>`,
          )}
        </tbody>
        <tfoot>
          <tr>
            <td>Total due</td>
            <td class="num" data-testid="total">${formatMoney(total, session.currency)}</td>
          </tr>
        </tfoot>
      </table>
      ${
        open
          ? html`<form method="post">
              <button class="pay" formaction="/checkout/${session.id}/pay">Pay ${formatMoney(total, session.currency)}</button>
              <button class="cancel" formaction="/checkout/${session.id}/cancel">Cancel</button>
            </form>`
          : html`<p class="notice" role="status">This checkout is ${session.status}.</p>`
      }
    </main>
  </body>
</html>`
}
