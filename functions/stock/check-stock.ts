// Trigger: gRPC StockService.CheckStock — would these quantities fit in what is available now?
import { stock } from './domain.ts'

export default stock.grpcMethod('checkStock', async ({ items }, ctx) => {
  const levels = await ctx.data.levels(items.map((i) => i.id))
  const availableOf = new Map(levels.map((l) => [l.itemId, l.available]))
  const inStock = items.every((i) => (availableOf.get(i.id) ?? 0) >= i.quantity)
  return { inStock, levels }
})
