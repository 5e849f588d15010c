/** The stock domain: units on hand and reserved per item; reservations never oversell. */
import { domain } from '../../runtime/model/domain.ts'
import { SEED_MENU } from '../../shared/seed-menu.ts'
import { orderService, stockService } from '../../shared/services.ts'
import { stockData } from './data.ts'
import { stockSettings } from './settings.ts'

export const stock = domain('stock', {
  settings: stockSettings,
  data: stockData,
  serves: stockService,
  // Orders reserves and releases; the gateway reads levels and, for an admin, sets them.
  access: {
    checkStock: { gateway: true, orders: true },
    reserveStock: { orders: true },
    releaseStock: { orders: true },
    getLevels: { gateway: true, orders: true },
    setLevel: { gateway: 'admin' },
  },
  clients: { orders: orderService },
  async seed(levels) {
    if ((await levels.levels()).length > 0) return
    for (const item of SEED_MENU) await levels.setOnHand(item.id, item.stock)
  },
})
