// Trigger: gRPC MenuService.GetItem — one item, or ITEM_NOT_FOUND.

import { DomainError } from '../../shared/errors.ts'
import { menu } from './domain.ts'

export default menu.grpcMethod('getItem', async ({ id }, ctx) => {
  const item = await ctx.data.get(id)
  if (!item)
    throw new DomainError('ITEM_NOT_FOUND', `item ${id} is not on the menu`, { itemId: id })
  return { item }
})
