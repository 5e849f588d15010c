// Trigger: gRPC StockService.ReserveStock — checks the lines (merged by item, within the order
// limits) and reserves all of them or none, atomically, so concurrent orders can never oversell.
// Repeating it for one order is harmless. With the order's payment expiry, the sweep settles the
// reservation should its order never be stored.
import { DomainError } from '../../shared/errors.ts'
import { parseOrderLines } from '../../shared/order-input.ts'
import { stock } from './domain.ts'

export default stock.grpcMethod('reserveStock', async ({ orderId, items, expiresAt }, ctx) => {
  if (!orderId) throw new DomainError('INVALID_REQUEST', 'orderId is required')
  const lines = parseOrderLines(items).map((i) => ({ itemId: i.id, quantity: i.quantity }))
  const expiry = expiresAt ? Date.parse(expiresAt) : undefined
  if (Number.isNaN(expiry))
    throw new DomainError('INVALID_REQUEST', 'expiresAt must be an RFC 3339 time')
  const result = await ctx.data.reserve(orderId, lines, expiry)
  if (!result.ok) {
    const names = result.shortages.map((s) => `${s.itemId} (${s.available} left)`).join(', ')
    throw new DomainError('OUT_OF_STOCK', `not enough stock for ${names}`, {
      shortages: result.shortages,
    })
  }
  return { levels: result.levels, released: result.released ?? false }
})
