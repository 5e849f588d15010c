/**
 * The menu's data: one document per item in `items`, listed in the order items were added.
 * Upsert is insert-if-absent, else a replace of the fields; both are single-document writes.
 */
import type { MenuItem } from '../../proto/gen/oms.ts'
import { collection, data } from '../../runtime/model/data.ts'
import type { Collection } from '../../runtime/ports/documents.ts'
import { sortableId } from '../../shared/sortable-id.ts'

interface ItemDoc extends Omit<MenuItem, 'id'> {
  _id: string
  /** Sorts items in the order they were added. */
  seq: string
}

/** Most items a menu lists. */
export const MAX_MENU_ITEMS = 1000

/**
 * Every order looks its items up by id: each menu process keeps what it read for a second (its
 * own changes show at once; with several menu processes, another's within that second).
 */
export const ITEM_CACHE_MS = 1000

const items = collection<ItemDoc>('items', {
  indexes: [{ name: 'added', fields: [['seq', 1]] }],
  cache: { ttlMs: ITEM_CACHE_MS },
})

const toItem = ({ _id, name, description, priceId, unitAmount, currency }: ItemDoc): MenuItem => ({
  id: _id,
  name,
  description,
  priceId,
  unitAmount,
  currency,
})

/** Rounds of insert-or-replace before an item that keeps appearing and vanishing gives up. */
const MAX_ROUNDS = 10

export function menuRepository(items: Collection<ItemDoc>) {
  return {
    /** Every item, in the order added. */
    async list(): Promise<MenuItem[]> {
      return (await items.find('added', { limit: MAX_MENU_ITEMS })).map(toItem)
    },
    get: (id: string): Promise<MenuItem | undefined> =>
      items.get(id).then((doc) => doc && toItem(doc)),
    /** Creates or replaces the item; `created` says which. */
    async upsert(item: MenuItem): Promise<{ item: MenuItem; created: boolean }> {
      const { id, name, description, priceId, unitAmount, currency } = item
      const fields = { name, description, priceId, unitAmount, currency }
      for (let round = 0; round < MAX_ROUNDS; round++) {
        if (await items.insert({ _id: id, ...fields, seq: sortableId() }))
          return { item: { id, ...fields }, created: true }
        const replaced = await items.update(id, { set: fields })
        if (replaced) return { item: toItem(replaced), created: false }
      }
      throw new Error(`menu item ${id} kept changing; try again`)
    },
    /** False when there was no such item. */
    delete: (id: string): Promise<boolean> => items.delete(id),
  }
}

export type MenuRepository = ReturnType<typeof menuRepository>

export const menuData = data({ items }, (c) => menuRepository(c.items))
