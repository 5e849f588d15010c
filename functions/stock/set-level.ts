// Trigger: gRPC StockService.SetLevel — admin: set the units on hand of an item.

import { DomainError } from '../../shared/errors.ts'
import { stock } from './domain.ts'

/** Largest stock level an admin may set for one item. */
export const MAX_ON_HAND = 1_000_000

export default stock.grpcMethod('setLevel', async ({ itemId, onHand }, ctx) => {
  if (!itemId) throw new DomainError('INVALID_REQUEST', 'itemId is required')
  if (!Number.isInteger(onHand) || onHand < 0 || onHand > MAX_ON_HAND) {
    throw new DomainError('INVALID_REQUEST', `quantity must be an integer from 0 to ${MAX_ON_HAND}`)
  }
  const level = await ctx.data.setOnHand(itemId, onHand)
  ctx.log.info({ itemId, onHand }, 'stock level set')
  return { level }
})
