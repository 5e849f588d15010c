/** Fills an empty store with the default menu and stock. */
import { SEED_MENU } from '../../../shared/seed-menu.ts'
import type { Store } from '../../ports/store.ts'

export async function seedIfEmpty(store: Store): Promise<boolean> {
  if ((await store.menu.list()).length > 0) return false
  for (const { stock, ...item } of SEED_MENU) {
    await store.menu.upsert(item)
    await store.stock.setOnHand(item.id, stock)
  }
  return true
}
