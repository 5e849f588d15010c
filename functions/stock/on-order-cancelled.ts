// Trigger: consumer of order.cancelled — gives the order's reservation back once orders has
// cancelled it; commits it instead if a payment won the race. Idempotent, like on-order-paid.
import { orderCancelled } from '../../shared/events.ts'
import { stock } from './domain.ts'
import { settleReservation } from './lib/settle-reservation.ts'

export default stock.consumer(orderCancelled, async ({ orderId }, ctx) => {
  await settleReservation(orderId, ctx)
})
