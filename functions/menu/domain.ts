/** The menu domain: the items customers can order, with their prices. */
import { domain } from '../../runtime/model/domain.ts'
import { SEED_MENU } from '../../shared/seed-menu.ts'
import { menuService } from '../../shared/services.ts'
import { menuData } from './data.ts'

export const menu = domain('menu', {
  data: menuData,
  serves: menuService,
  // Any domain reads the menu (it is public); only an admin, through the gateway, changes it.
  access: {
    listItems: { '*': true },
    getItem: { '*': true },
    getItems: { '*': true },
    upsertItem: { gateway: 'admin' },
    deleteItem: { gateway: 'admin' },
  },
  async seed(items) {
    if ((await items.list()).length > 0) return
    for (const { stock: _stock, ...item } of SEED_MENU) await items.upsert(item)
  },
})
