// Trigger: gRPC StockService.GetLevels — on hand, reserved and available per item.
import { grpcMethod } from '../../runtime/model/define.ts'

export default grpcMethod('stock', 'getLevels', async ({ itemIds }, ctx) => {
  return { levels: await ctx.store.stock.levels(itemIds.length > 0 ? itemIds : undefined) }
})
