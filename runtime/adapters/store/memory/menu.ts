/** Embedded menu repository. */
import type { MenuItem } from '../../../../proto/gen/oms.ts'
import type { MenuRepo } from '../../../ports/store.ts'

export function memoryMenu(): MenuRepo {
  const items = new Map<string, MenuItem>()
  return {
    async list() {
      return [...items.values()].map((item) => ({ ...item }))
    },
    async get(id) {
      const item = items.get(id)
      return item && { ...item }
    },
    async upsert(item) {
      const created = !items.has(item.id)
      items.set(item.id, { ...item })
      return { item: { ...item }, created }
    },
    async delete(id) {
      return items.delete(id)
    },
  }
}
