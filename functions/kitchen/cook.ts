// Trigger: long-running worker fed by order.paid — simulated kitchen staff. Each paid order is
// cooked once (KITCHEN_COOK_MS, KITCHEN_CONCURRENCY at a time): preparing → ready through
// OrderService, then order.ready. Safe to resume after a restart at any step.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Order } from '../../proto/gen/oms.ts'
import type { ContextOf } from '../../runtime/model/domain.ts'
import { RetryLater } from '../../runtime/model/retry-later.ts'
import { isDomainError } from '../../shared/errors.ts'
import { orderPaid, orderReady } from '../../shared/events.ts'
import { kitchen } from './domain.ts'

type KitchenContext = ContextOf<typeof kitchen>

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

async function announceReady(order: Order, ctx: KitchenContext) {
  await ctx.bus.publish(orderReady, {
    eventId: `${order.id}:ready`,
    orderId: order.id,
    customerId: order.customerId,
    occurredAt: order.updatedAt,
  })
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
      case 'paid':
        await ctx.clients.orders.updateOrder({ orderId, status: 'preparing', paymentLink: '' })
        ctx.log.info({ orderId }, 'cooking')
        break
    }
    await sleep(ctx.settings.cookMs, undefined, { signal: ctx.signal })
    const { order: ready } = await ctx.clients.orders.updateOrder({
      orderId,
      status: 'ready',
      paymentLink: '',
    })
    await announceReady(ready!, ctx)
    ctx.log.info({ orderId }, 'order ready for pickup')
  },
)
