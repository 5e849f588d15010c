// Trigger: gRPC MenuService.ListItems — every item on the menu, sorted by name.
import { menu } from './domain.ts'

export default menu.grpcMethod('listItems', async (_request, ctx) => {
  const items = await ctx.data.list()
  return { items: items.sort((a, b) => a.name.localeCompare(b.name)) }
})
