// Trigger: consumer of order.cancelled — gives the order's reservation back once orders has
// cancelled it; commits it instead if a payment won the race. Idempotent, like on-order-paid.
import { consumer } from '../../runtime/model/define.ts'
import { settleReservation } from './lib/settle-reservation.ts'

export default consumer('order.cancelled', ({ orderId }, ctx) => settleReservation(orderId, ctx))
