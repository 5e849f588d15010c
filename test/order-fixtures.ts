/** Test helper: stock and orders in one runtime (no network), and a way to read stock levels. */
import type { CreateOrderResponse, GetLevelsResponse } from '../proto/gen/oms.ts'
import type { Runtime } from '../runtime/host.ts'
import { invokableRuntime } from './fixtures.ts'

export async function stockAndOrders(): Promise<Runtime> {
  return invokableRuntime(['stock', 'orders', 'menu'])
}

/** Places an order of `quantity` units of `itemId` for customer ann; returns its id. */
export async function placeOrder(
  runtime: Runtime,
  itemId: string,
  quantity: number,
): Promise<string> {
  const { order } = (await runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [{ id: itemId, quantity }],
  })) as CreateOrderResponse
  return order!.id
}

export async function level(runtime: Runtime, itemId: string) {
  const { levels } = (await runtime.invoke('stock.get-levels', {
    itemIds: [itemId],
  })) as GetLevelsResponse
  return levels[0]
}

export const orderEvent = (orderId: string, extra: Record<string, unknown> = {}) => ({
  eventId: `evt-${orderId}`,
  orderId,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
  ...extra,
})
