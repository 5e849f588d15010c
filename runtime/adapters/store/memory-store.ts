/** The embedded store: every domain's repositories in process memory. */
import type { Store } from '../../ports/store.ts'
import { memoryJobs } from './memory/jobs.ts'
import { memoryMenu } from './memory/menu.ts'
import { memoryOrders } from './memory/orders.ts'
import { memoryProcessed } from './memory/processed.ts'
import { memoryStock } from './memory/stock.ts'

export function memoryStore(): Store {
  return {
    kind: 'embedded',
    menu: memoryMenu(),
    stock: memoryStock(),
    orders: memoryOrders(),
    processed: memoryProcessed(),
    jobs: memoryJobs(),
    async ping() {},
    async close() {},
  }
}
