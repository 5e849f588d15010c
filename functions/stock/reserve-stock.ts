// Trigger: gRPC StockService.ReserveStock — validates quantities and reserves all lines or none,
// atomically, so concurrent orders can never oversell. Repeating it for one order is harmless.

import { grpcMethod } from '../../runtime/model/define.ts'
import { DomainError } from '../../shared/errors.ts'
import { mergeLines } from '../../shared/order-input.ts'

export default grpcMethod('stock', 'reserveStock', async ({ orderId, items }, ctx) => {
  if (!orderId) throw new DomainError('INVALID_REQUEST', 'orderId is required')
  const bad = items.find((i) => !Number.isInteger(i.quantity) || i.quantity < 1)
  if (items.length === 0 || bad) {
    throw new DomainError(
      'INVALID_REQUEST',
      'every line needs an item id and a quantity of at least 1',
    )
  }
  // One line per item: two lines of the same item must be checked against stock together.
  const lines = mergeLines(items).map((i) => ({ itemId: i.id, quantity: i.quantity }))
  const result = await ctx.store.stock.reserve(orderId, lines)
  if (!result.ok) {
    const names = result.shortages.map((s) => `${s.itemId} (${s.available} left)`).join(', ')
    throw new DomainError('OUT_OF_STOCK', `not enough stock for ${names}`, {
      shortages: result.shortages,
    })
  }
  return { levels: result.levels }
})
