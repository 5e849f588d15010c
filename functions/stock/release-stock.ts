// Trigger: gRPC StockService.ReleaseStock — gives back an open reservation (orders compensates
// with it when an order cannot be completed after stock was reserved).

import { DomainError } from '../../shared/errors.ts'
import { stock } from './domain.ts'

export default stock.grpcMethod('releaseStock', async ({ orderId }, ctx) => {
  if (!orderId) throw new DomainError('INVALID_REQUEST', 'orderId is required')
  return { released: await ctx.data.release(orderId) }
})
