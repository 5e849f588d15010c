// Trigger: gRPC MenuService.GetItems — several items at once; unknown ids are reported, not thrown.
import type { MenuItem } from '../../proto/gen/oms.ts'
import { menu } from './domain.ts'

export default menu.grpcMethod('getItems', async ({ ids }, ctx) => {
  const items: MenuItem[] = []
  const missingIds: string[] = []
  for (const id of ids) {
    const item = await ctx.data.get(id)
    if (item) items.push(item)
    else missingIds.push(id)
  }
  return { items, missingIds }
})
