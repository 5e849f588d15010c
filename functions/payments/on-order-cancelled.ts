// Trigger: consumer of order.cancelled — makes the order's checkout session unpayable (Stripe's
// expire, or the local checkout's session marked expired), so a cancelled order cannot be paid
// afterwards. Safe to repeat: a session no longer open stays as it is.
import { orderCancelled } from '../../shared/events.ts'
import { payments } from './domain.ts'
import { paymentsOf } from './lib/payments-of.ts'

export default payments.consumer(orderCancelled, async ({ orderId, reason }, ctx) => {
  const outcome = await (await paymentsOf(ctx)).expireCheckoutSession(orderId)
  ctx.log.info({ orderId, reason, outcome }, 'checkout session of a cancelled order expired')
})
