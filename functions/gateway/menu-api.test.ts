import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['gateway.menu-api', 'menu', 'stock', 'orders'])
})
afterEach(() => runtime.stop())

interface PublicItem {
  id: string
  available: number
}

async function menu() {
  const res = await runtime.app.request('/api/menu')
  expect(res.status).toBe(200)
  return (await res.json()) as { items: PublicItem[] }
}
async function available() {
  return Object.fromEntries((await menu()).items.map((i) => [i.id, i.available]))
}

describe('GET /api/menu', () => {
  it('lists the menu by name, each item in the public shape with what is available', async () => {
    const { items } = await menu()
    expect(items.map((i) => i.id)).toEqual([
      'brownie',
      'burger',
      'fries',
      'lemonade',
      'veggie-wrap',
    ])
    expect(items[2]).toEqual({
      id: 'fries',
      name: 'Fries',
      description: 'Hand-cut, twice-fried, sea salt',
      priceId: 'price_fries',
      unitAmount: 350,
      currency: 'eur',
      available: 200,
    })
  })

  it('counts open reservations as no longer available', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [
        { id: 'fries', quantity: 3 },
        { id: 'brownie', quantity: 40 },
      ],
    })
    expect(await available()).toEqual({
      brownie: 0,
      burger: 100,
      fries: 197,
      lemonade: 150,
      'veggie-wrap': 80,
    })
  })

  it('gives released units back and keeps sold units gone', async () => {
    const place = async () => {
      const { order } = (await runtime.invoke('orders.create-order', {
        customerId: 'ann',
        items: [{ id: 'fries', quantity: 5 }],
      })) as CreateOrderResponse
      return order!.id
    }
    const event = (orderId: string) => ({
      eventId: `evt-${orderId}`,
      orderId,
      customerId: 'ann',
      occurredAt: new Date().toISOString(),
    })
    const sold = await place()
    const released = await place()
    expect((await available()).fries).toBe(190)

    await runtime.invoke('orders.on-order-paid', event(sold))
    await runtime.invoke('stock.on-order-paid', event(sold))
    await runtime.invoke('orders.cancel-order', { orderId: released, customerId: 'ann' })
    await runtime.invoke('stock.on-order-cancelled', { ...event(released), reason: 'customer' })
    expect((await available()).fries).toBe(195)
  })

  it('shows an item without stock as 0 available, and leaves out deleted items', async () => {
    await runtime.invoke('menu.upsert-item', {
      item: {
        id: 'soup',
        name: 'Soup of the day',
        description: '',
        priceId: 'price_soup',
        unitAmount: 600,
        currency: 'eur',
      },
    })
    await runtime.invoke('menu.delete-item', { id: 'burger' })
    const now = await available()
    expect(now.soup).toBe(0)
    expect(now).not.toHaveProperty('burger')
  })
})
