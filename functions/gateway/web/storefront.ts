/** Entry of the storefront's pages (bundled by esbuild): the menu and cart, or "My orders". */
import type { Limits } from './lib/cart.ts'
import { startMyOrders } from './views/my-orders.ts'
import { startShop } from './views/shop.ts'

const data = document.body.dataset

/** The API's limits, as the server wrote them on the page. */
function limitsFrom(dataset: DOMStringMap): Limits {
  const number = (value: string | undefined, fallback: number) => {
    const n = Number(value)
    return Number.isInteger(n) && n > 0 ? n : fallback
  }
  return {
    maxLineQuantity: number(dataset.maxLineQuantity, 50),
    maxOrderLines: number(dataset.maxOrderLines, 20),
  }
}

if (data.view === 'my-orders') startMyOrders()
else startShop(limitsFrom(data))
