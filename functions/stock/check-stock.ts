// Trigger: gRPC StockService.CheckStock — would these quantities fit in what is available now?
import { grpcMethod } from '../../runtime/model/define.ts'

export default grpcMethod('stock', 'checkStock', async ({ items }, ctx) => {
  const levels = await ctx.store.stock.levels(items.map((i) => i.id))
  const availableOf = new Map(levels.map((l) => [l.itemId, l.available]))
  const inStock = items.every((i) => (availableOf.get(i.id) ?? 0) >= i.quantity)
  return { inStock, levels }
})
