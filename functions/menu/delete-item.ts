// Trigger: gRPC MenuService.DeleteItem — admin: take an item off the menu.

import { grpcMethod } from '../../runtime/model/define.ts'
import { DomainError } from '../../shared/errors.ts'

export default grpcMethod('menu', 'deleteItem', async ({ id }, ctx) => {
  if (!(await ctx.store.menu.delete(id))) {
    throw new DomainError('ITEM_NOT_FOUND', `item ${id} is not on the menu`, { itemId: id })
  }
  ctx.log.info({ itemId: id }, 'menu item deleted')
  return {}
})
