/**
 * The admin routes as the back office calls them (`/api/admin/*`, signed in by the session
 * cookie); every failure becomes an ApiError. The menu itself is read from `GET /api/menu`.
 */
// Types only (erased from the bundle): the shapes the API's schemas describe.
import type { MenuItemAnswer, StockItemAnswer, StockListAnswer } from '../../lib/api-schemas.ts'
import type { MenuItemFields } from './item-form.ts'
import { staffCall } from './staff-api.ts'

export type StockEntry = StockListAnswer['items'][number]

const JSON_BODY = { 'content-type': 'application/json' }
const menuItem = (id: string) => `/api/admin/menu/${encodeURIComponent(id)}`
const stockOf = (id: string) => `/api/admin/stock/${encodeURIComponent(id)}`

export const adminApi = {
  /** Units on hand, reserved and available of every item on the menu. */
  stock: () => staffCall<StockListAnswer>('/api/admin/stock'),
  /** Creates the item, or replaces the one with this id. */
  saveItem: (id: string, fields: MenuItemFields) =>
    staffCall<MenuItemAnswer>(menuItem(id), {
      method: 'PUT',
      headers: JSON_BODY,
      body: JSON.stringify(fields),
    }),
  removeItem: (id: string) => staffCall<undefined>(menuItem(id), { method: 'DELETE' }),
  setStock: (id: string, quantity: number) =>
    staffCall<StockItemAnswer>(stockOf(id), {
      method: 'PUT',
      headers: JSON_BODY,
      body: JSON.stringify({ quantity }),
    }),
}
