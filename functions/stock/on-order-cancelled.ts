// Trigger: consumer of order.cancelled — gives the order's reservation back.
// Idempotent: a committed or already released reservation is left alone.
import { consumer } from '../../runtime/model/define.ts'

export default consumer('order.cancelled', async ({ orderId }, ctx) => {
  const released = await ctx.store.stock.release(orderId)
  ctx.log.info({ orderId, released }, released ? 'reservation released' : 'no open reservation')
})
