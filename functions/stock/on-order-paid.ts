// Trigger: consumer of order.paid — commits the order's reservation (stock on hand goes down).
// Idempotent: only an open reservation is committed, so redeliveries change nothing.
import { consumer } from '../../runtime/model/define.ts'

export default consumer('order.paid', async ({ orderId }, ctx) => {
  const committed = await ctx.store.stock.commit(orderId)
  ctx.log.info({ orderId, committed }, committed ? 'reservation committed' : 'no open reservation')
})
