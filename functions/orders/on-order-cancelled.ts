// Trigger: consumer of order.cancelled — cancels a still-pending order (checkout expired or
// payment failed). An order already paid or beyond stays as it is.
import { consumer } from '../../runtime/model/define.ts'

export default consumer('order.cancelled', async ({ orderId, reason }, ctx) => {
  const moved = await ctx.store.orders.update(
    orderId,
    { status: 'cancelled', updatedAt: new Date().toISOString() },
    ['pending'],
  )
  const status = moved ? 'cancelled' : (await ctx.store.orders.get(orderId))?.status
  ctx.log.info(
    { orderId, reason, moved: Boolean(moved), status },
    moved ? 'order cancelled' : 'cancel event left order unchanged',
  )
})
