// Trigger: schedule, every ORDER_SWEEP_INTERVAL — cancels the pending orders past their expiry:
// those never paid within ORDER_PAYMENT_TIMEOUT, and those whose placing never finished (the
// process placing them died while reserving). order.cancelled goes with each cancel (the
// outbox): stock gives their units back, payments expires their checkout. Every orders
// process runs it; the cancel is guarded on `pending`, so each order is cancelled once.
import type { Order } from '../../proto/gen/oms.ts'
import type { ScheduleContextOf } from '../../runtime/model/domain.ts'
import { orderCancelled } from '../../shared/events.ts'
import { EXPIRED_PAGE } from './data.ts'
import { orders } from './domain.ts'
import { orderCancelledEvent } from './lib/order-events.ts'

type SweepContext = ScheduleContextOf<typeof orders>

/** A placed order got its payment expiry; one still expiring as it did when stored was never placed. */
const reasonOf = (order: Order, ctx: SweepContext) =>
  Date.parse(order.expiresAt) - Date.parse(order.createdAt) < ctx.settings.paymentTimeoutMs
    ? 'not_placed'
    : 'payment_timeout'

async function expire(order: Order, ctx: SweepContext): Promise<boolean> {
  const updatedAt = new Date().toISOString()
  const reason = reasonOf(order, ctx)
  const event = ctx.bus.event(orderCancelled, orderCancelledEvent({ ...order, updatedAt }, reason))
  const cancelled = await ctx.data.update(
    order.id,
    { status: 'cancelled', updatedAt },
    ['pending'],
    [event],
  )
  if (cancelled)
    ctx.log.info({ orderId: order.id, reason, expiresAt: order.expiresAt }, 'order expired')
  return cancelled !== undefined
}

export default orders.schedule({ every: (s) => s.sweepMs }, async (ctx) => {
  const now = new Date().toISOString()
  let expired = 0
  for (;;) {
    const page = await ctx.data.expired('pending', now)
    let cancelled = 0
    for (const order of page) {
      if (ctx.signal.aborted) return
      if (await expire(order, ctx)) cancelled++
    }
    expired += cancelled
    // A full page may hide more; one where nothing moved would only come back the same.
    if (page.length < EXPIRED_PAGE || cancelled === 0) break
  }
  if (expired > 0) ctx.log.info({ expired }, 'expired orders cancelled')
})
