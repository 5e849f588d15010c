/** What the order benchmarks send: stock raised through the admin API, then one order body. */
import { ADMIN_TOKEN } from './env.ts'

/** A two-line order (2 burgers, 1 fries), as the storefront sends it. */
export const ORDER_BODY = JSON.stringify({
  items: [
    { id: 'burger', quantity: 2 },
    { id: 'fries', quantity: 1 },
  ],
})

/** Where orders are posted on a system whose API is at `url`. */
export const ordersUrl = (url: string, customer = 'bench') =>
  `${url}/api/customers/${customer}/orders`

/** Highest stock level the admin API accepts. */
const MAX_STOCK = 1_000_000

/** Sets every menu item's stock to the maximum through the admin API, so no order runs out. */
export async function stockUp(url: string): Promise<void> {
  const menu = (await (await fetch(`${url}/api/menu`)).json()) as { items: { id: string }[] }
  for (const { id } of menu.items) {
    const res = await fetch(`${url}/api/admin/stock/${id}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ quantity: MAX_STOCK }),
    })
    if (!res.ok) throw new Error(`setting stock of ${id}: ${res.status} ${await res.text()}`)
  }
}
