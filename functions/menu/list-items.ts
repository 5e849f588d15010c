// Trigger: gRPC MenuService.ListItems — every item on the menu, sorted by name.
import { grpcMethod } from '../../runtime/model/define.ts'

export default grpcMethod('menu', 'listItems', async (_request, ctx) => {
  const items = await ctx.store.menu.list()
  return { items: items.sort((a, b) => a.name.localeCompare(b.name)) }
})
