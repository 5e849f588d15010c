// Trigger: gRPC StockService.GetLevels — on hand, reserved and available per item.
import { stock } from './domain.ts'

export default stock.grpcMethod('getLevels', async ({ itemIds }, ctx) => {
  return { levels: await ctx.data.levels(itemIds.length > 0 ? itemIds : undefined) }
})
