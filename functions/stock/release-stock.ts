// Trigger: gRPC StockService.ReleaseStock — gives back an open reservation (orders compensates
// with it when an order cannot be completed after stock was reserved).

import { grpcMethod } from '../../runtime/model/define.ts'
import { DomainError } from '../../shared/errors.ts'

export default grpcMethod('stock', 'releaseStock', async ({ orderId }, ctx) => {
  if (!orderId) throw new DomainError('INVALID_REQUEST', 'orderId is required')
  return { released: await ctx.store.stock.release(orderId) }
})
