// Trigger: gRPC MenuService.UpsertItem — admin: create or replace a menu item.

import { DomainError } from '../../shared/errors.ts'
import { menuItemSchema } from '../../shared/menu-item.ts'
import { zodDetails } from '../../shared/zod-details.ts'
import { menu } from './domain.ts'

export default menu.grpcMethod('upsertItem', async ({ item }, ctx) => {
  const parsed = menuItemSchema.safeParse(item ?? {})
  if (!parsed.success) {
    throw new DomainError('INVALID_REQUEST', 'invalid menu item', zodDetails(parsed.error))
  }
  const result = await ctx.data.upsert(parsed.data)
  ctx.log.info({ itemId: result.item.id, created: result.created }, 'menu item saved')
  return result
})
