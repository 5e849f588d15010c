// Trigger: gRPC MenuService.GetItem — one item, or ITEM_NOT_FOUND.

import { grpcMethod } from '../../runtime/model/define.ts'
import { DomainError } from '../../shared/errors.ts'

export default grpcMethod('menu', 'getItem', async ({ id }, ctx) => {
  const item = await ctx.store.menu.get(id)
  if (!item)
    throw new DomainError('ITEM_NOT_FOUND', `item ${id} is not on the menu`, { itemId: id })
  return { item }
})
