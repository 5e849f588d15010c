// Trigger: HTTP /api/admin/* — admin-only menu and stock changes, and the stock levels (signed
// in with the admin credential, or Bearer $ADMIN_TOKEN).
import { Hono } from 'hono'
import { gateway } from './domain.ts'
import {
  itemIdParam,
  type MenuItemAnswer,
  menuItemBody,
  type StockItemAnswer,
  type StockListAnswer,
  stockBody,
} from './lib/api-schemas.ts'
import { staffOnly } from './lib/staff-session.ts'
import { jsonBody, param } from './lib/validate.ts'

export default gateway.http((ctx) => {
  const { menu, stock } = ctx.clients
  // Each call is made for the admin just authenticated: menu and stock allow it only so.
  const asAdmin = { onBehalfOf: 'admin' } as const
  const itemId = (id: string) => param(itemIdParam, id, 'itemId')
  return new Hono()
    .use(
      '/api/admin/*',
      staffOnly({
        credentials: ctx.settings,
        role: 'admin',
        off: 'admin routes are disabled: set ADMIN_TOKEN to enable them',
      }),
    )
    .get('/api/admin/stock', async (c) => {
      const { items } = await menu.listItems({})
      const { levels } = await stock.getLevels({ itemIds: items.map((i) => i.id) })
      const byId = new Map(levels.map((l) => [l.itemId, l]))
      return c.json({
        items: items.map(({ id }) => {
          const level = byId.get(id)
          return {
            id,
            onHand: level?.onHand ?? 0,
            reserved: level?.reserved ?? 0,
            available: level?.available ?? 0,
          }
        }),
      } satisfies StockListAnswer)
    })
    .put('/api/admin/menu/:itemId', async (c) => {
      const id = itemId(c.req.param('itemId'))
      const body = await jsonBody(c, menuItemBody)
      const { item } = await menu.upsertItem({ item: { id, ...body } }, asAdmin)
      return c.json({ item: item! } satisfies MenuItemAnswer)
    })
    .delete('/api/admin/menu/:itemId', async (c) => {
      await menu.deleteItem({ id: itemId(c.req.param('itemId')) }, asAdmin)
      return c.body(null, 204)
    })
    .put('/api/admin/stock/:itemId', async (c) => {
      const id = itemId(c.req.param('itemId'))
      const { quantity } = await jsonBody(c, stockBody)
      await menu.getItem({ id })
      const { level } = await stock.setLevel({ itemId: id, onHand: quantity }, asAdmin)
      return c.json({
        item: { id, onHand: level!.onHand, reserved: level!.reserved, available: level!.available },
      } satisfies StockItemAnswer)
    })
})
