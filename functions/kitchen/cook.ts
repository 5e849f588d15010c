// Trigger: long-running worker fed by order.paid — the kitchen's ticket for each paid order.
// KITCHEN_MODE=simulated: simulated kitchen staff cook it once (KITCHEN_COOK_MS,
// KITCHEN_CONCURRENCY at a time): preparing → ready through OrderService, then order.ready.
// KITCHEN_MODE=staff: it only tracks the order until orders has it paid (the kitchen display
// lists it from then on; the staff's moves go through MoveOrder). Safe to resume after a
// restart at any step.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Order } from '../../proto/gen/oms.ts'
import { RetryLater } from '../../runtime/model/retry-later.ts'
import { isDomainError } from '../../shared/errors.ts'
import { orderPaid } from '../../shared/events.ts'
import { kitchen } from './domain.ts'
import { announceReady, type KitchenContext, moveOrder } from './lib/move.ts'

/** How long to wait before asking again when orders has not recorded the payment yet. */
export const PAYMENT_NOT_SEEN_RETRY_MS = 500
/** Give up on an order that orders has never heard of after this many tries. */
export const MAX_UNKNOWN_ORDER_TRIES = 20

async function currentOrder(orderId: string, ctx: KitchenContext): Promise<Order | undefined> {
  try {
    return (await ctx.clients.orders.getOrder({ orderId, customerId: '' })).order
  } catch (err) {
    if (isDomainError(err) && err.code === 'ORDER_NOT_FOUND') return undefined
    throw err
  }
}

export default kitchen.worker(
  {
    on: orderPaid,
    concurrency: (settings) => settings.concurrency,
    key: (event) => event.orderId,
  },
  async ({ orderId }, ctx) => {
    const order = await currentOrder(orderId, ctx)
    if (!order) {
      if (ctx.job.attempt >= MAX_UNKNOWN_ORDER_TRIES)
        return ctx.log.error({ orderId }, 'paid order unknown to orders; dropped')
      throw new RetryLater('order not recorded yet', PAYMENT_NOT_SEEN_RETRY_MS)
    }
    switch (order.status) {
      case 'pending':
        throw new RetryLater('payment not recorded by orders yet', PAYMENT_NOT_SEEN_RETRY_MS)
      case 'cancelled':
        return ctx.log.warn({ orderId }, 'order was cancelled; not cooking it')
      case 'ready':
        return announceReady(order, ctx)
      case 'collected':
        return
    }
    if (ctx.settings.mode === 'staff')
      return ctx.log.info({ orderId, status: order.status }, 'on the kitchen display for the staff')
    try {
      if (order.status === 'paid') {
        await moveOrder(orderId, 'preparing', ctx)
        ctx.log.info({ orderId }, 'cooking')
      }
      await sleep(ctx.settings.cookMs, undefined, { signal: ctx.signal })
      await moveOrder(orderId, 'ready', ctx)
      ctx.log.info({ orderId }, 'order ready for pickup')
    } catch (err) {
      // Someone at the display moved it past this step (e.g. collected it) meanwhile.
      if (!isDomainError(err) || err.code !== 'INVALID_TRANSITION') throw err
      ctx.log.info({ orderId }, 'moved on at the kitchen display; the simulated cook stops')
    }
  },
)
