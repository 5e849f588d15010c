// Trigger: consumer of order.paid — commits the order's reservation (units on hand go down)
// once orders has recorded the payment; releases it instead if orders kept the order cancelled.
// Idempotent: only an open reservation changes, so redeliveries change nothing.
import { orderPaid } from '../../shared/events.ts'
import { stock } from './domain.ts'
import { settleReservation } from './lib/settle-reservation.ts'

export default stock.consumer(orderPaid, async ({ orderId }, ctx) => {
  await settleReservation(orderId, ctx)
})
