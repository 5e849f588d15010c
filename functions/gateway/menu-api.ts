// Trigger: HTTP GET /api/menu — the menu with what can still be ordered of each item.
import { Hono } from 'hono'
import { gateway } from './domain.ts'
import { presentMenu } from './lib/present.ts'

export default gateway.http((ctx) =>
  new Hono().get('/api/menu', async (c) => {
    const [{ items }, { levels }] = await Promise.all([
      ctx.clients.menu.listItems({}),
      ctx.clients.stock.getLevels({ itemIds: [] }),
    ])
    return c.json(presentMenu(items, levels))
  }),
)
