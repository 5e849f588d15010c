// Trigger: gRPC StockService.ReserveStock — checks the lines (merged by item, within the order
// limits) and reserves all of them or none, atomically, so concurrent orders can never oversell.
// Repeating it for one order is harmless.
import { DomainError } from '../../shared/errors.ts'
import { parseOrderLines } from '../../shared/order-input.ts'
import { stock } from './domain.ts'

export default stock.grpcMethod('reserveStock', async ({ orderId, items }, ctx) => {
  if (!orderId) throw new DomainError('INVALID_REQUEST', 'orderId is required')
  const lines = parseOrderLines(items).map((i) => ({ itemId: i.id, quantity: i.quantity }))
  const result = await ctx.data.reserve(orderId, lines)
  if (!result.ok) {
    const names = result.shortages.map((s) => `${s.itemId} (${s.available} left)`).join(', ')
    throw new DomainError('OUT_OF_STOCK', `not enough stock for ${names}`, {
      shortages: result.shortages,
    })
  }
  return { levels: result.levels }
})
