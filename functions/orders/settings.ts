/** The orders domain's settings: how long an order may wait for its payment, and the sweep. */
import { duration } from '../../runtime/config/schemas.ts'
import { setting } from '../../runtime/config/setting.ts'

const DAY_MS = 86_400_000

export const ordersSettings = {
  paymentTimeoutMs: setting('ORDER_PAYMENT_TIMEOUT', duration(1_000, DAY_MS), {
    default: 1_800_000,
    unset: '`30m`',
    set: 'how long a pending order waits for its payment before it is cancelled and its stock given back (e.g. `30m`; Stripe sessions live at least 30 minutes, a payment after the order expired is refunded)',
  }),
  sweepMs: setting('ORDER_SWEEP_INTERVAL', duration(100, DAY_MS), {
    default: 10_000,
    unset: '`10s`',
    set: 'how often each orders process looks for expired orders',
  }),
}
