// Trigger: consumer of order.cancelled — cancels a still-pending order (checkout expired or
// payment failed). An order already paid or beyond stays as it is.
import { orderCancelled } from '../../shared/events.ts'
import { orders } from './domain.ts'

export default orders.consumer(orderCancelled, async ({ orderId, reason }, ctx) => {
  const moved = await ctx.data.update(
    orderId,
    { status: 'cancelled', updatedAt: new Date().toISOString() },
    ['pending'],
  )
  const status = moved ? 'cancelled' : (await ctx.data.get(orderId))?.status
  ctx.log.info(
    { orderId, reason, moved: Boolean(moved), status },
    moved ? 'order cancelled' : 'cancel event left order unchanged',
  )
})
