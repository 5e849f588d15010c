/**
 * Stock follows the order's settled state, as the orders domain decided it: a paid order's
 * reservation is committed, a cancelled one's released. `order.paid` and `order.cancelled`
 * arrive on separate queues in any order, so both consumers ask orders instead of trusting
 * the event they happen to hear first; while orders has not applied the event yet the
 * message is retried later.
 */

import type { ContextOf } from '../../../runtime/model/domain.ts'
import { RetryLater } from '../../../runtime/model/retry-later.ts'
import { isDomainError } from '../../../shared/errors.ts'
import type { stock } from '../domain.ts'

export async function settleReservation(
  orderId: string,
  ctx: ContextOf<typeof stock>,
  /** What to do when orders does not know the order: an event for it is ignored (default); a
   * reservation the sweep found past its expiry is released (its order was never stored). */
  { unknown = 'ignore' }: { unknown?: 'ignore' | 'release' } = {},
): Promise<boolean> {
  let status: string
  try {
    status = (await ctx.clients.orders.getOrder({ orderId, customerId: '' })).order?.status ?? ''
  } catch (err) {
    if (isDomainError(err) && err.code === 'ORDER_NOT_FOUND') {
      if (unknown === 'release') {
        const released = await ctx.data.release(orderId)
        ctx.log.warn({ orderId, released }, 'reservation of an order never stored released')
        return released
      }
      ctx.log.warn({ orderId }, 'event for an order unknown to orders ignored')
      return false
    }
    throw err
  }
  switch (status) {
    case 'pending':
      throw new RetryLater(`order ${orderId} is not settled by orders yet`)
    case 'cancelled': {
      const released = await ctx.data.release(orderId)
      ctx.log.info({ orderId, released }, released ? 'reservation released' : 'no open reservation')
      return released
    }
    default: {
      const committed = await ctx.data.commit(orderId)
      ctx.log.info(
        { orderId, committed },
        committed ? 'reservation committed' : 'no open reservation',
      )
      return committed
    }
  }
}
