// Trigger: HTTP GET /api/menu — the menu with what can still be ordered of each item.
import { Hono } from 'hono'
import { http } from '../../runtime/model/define.ts'

export default http((ctx) =>
  new Hono().get('/api/menu', async (c) => {
    const [{ items }, { levels }] = await Promise.all([
      ctx.clients.menu.listItems({}),
      ctx.clients.stock.getLevels({ itemIds: [] }),
    ])
    const available = new Map(levels.map((l) => [l.itemId, l.available]))
    return c.json({
      items: items.map(({ id, name, description, priceId, unitAmount, currency }) => ({
        id,
        name,
        description,
        priceId,
        unitAmount,
        currency,
        available: available.get(id) ?? 0,
      })),
    })
  }),
)
