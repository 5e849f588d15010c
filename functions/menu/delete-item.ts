// Trigger: gRPC MenuService.DeleteItem — admin: take an item off the menu.

import { DomainError } from '../../shared/errors.ts'
import { menu } from './domain.ts'

export default menu.grpcMethod('deleteItem', async ({ id }, ctx) => {
  if (!(await ctx.data.delete(id))) {
    throw new DomainError('ITEM_NOT_FOUND', `item ${id} is not on the menu`, { itemId: id })
  }
  ctx.log.info({ itemId: id }, 'menu item deleted')
  return {}
})
