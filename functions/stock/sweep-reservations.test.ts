import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse } from '../../proto/gen/oms.ts'
import { dataOf, startSystem, type TestSystem } from '../../test/fixtures.ts'
import { stock } from './domain.ts'
import { holdMark, STALE_MS } from './lib/reservations.ts'

let sys: TestSystem
afterEach(() => sys.stop())

/** Orders, menu and stock, without the sweeps' own timers (each test runs the sweep itself). */
async function start(env: Record<string, string> = {}) {
  sys = await startSystem({
    select: ['orders', 'menu', 'stock'],
    env: {
      ORDER_SWEEP_INTERVAL: '24h',
      STOCK_SWEEP_INTERVAL: '24h',
      STOCK_EXPIRED_GRACE: '0s',
      ...env,
    },
  })
}

const sweep = () => sys.runtime.invoke('stock.sweep-reservations', {})
const stockData = () => dataOf(stock, sys.adapters.store)
const burgers = async () => (await stockData().levels(['burger']))[0]!
const expired = new Date(Date.now() - 1000).toISOString()

describe('stock.sweep-reservations', () => {
  it('releases an expired reservation whose order orders never stored (its placing died)', async () => {
    await start()
    const before = await burgers()
    const orphan = randomUUID()
    await sys.runtime.invoke('stock.reserve-stock', {
      orderId: orphan,
      items: [{ id: 'burger', quantity: 3 }],
      expiresAt: expired,
    })
    expect((await burgers()).reserved).toBe(before.reserved + 3)
    await sweep()
    expect(await burgers()).toEqual(before)
    // Released once: a second round finds nothing.
    await sweep()
    expect(await burgers()).toEqual(before)
  })

  it('leaves a reservation before its payment expiry, and one of an order orders has pending', async () => {
    await start({ ORDER_PAYMENT_TIMEOUT: '1s' })
    const { order } = (await sys.runtime.invoke('orders.create-order', {
      customerId: 'ann',
      items: [{ id: 'burger', quantity: 2 }],
    })) as CreateOrderResponse
    const young = randomUUID()
    await sys.runtime.invoke('stock.reserve-stock', {
      orderId: young,
      items: [{ id: 'burger', quantity: 1 }],
      expiresAt: new Date(Date.now() + 60_000).toISOString(),
    })
    const held = (await burgers()).reserved
    await new Promise((resolve) => setTimeout(resolve, 1100))
    // The order's payment expiry has passed, but orders has it pending (its own sweep cancels it).
    await sweep()
    expect((await burgers()).reserved).toBe(held)
    await sys.runtime.invoke('orders.expire-orders', {})
    expect(
      (await sys.runtime.invoke('orders.get-order', {
        orderId: order!.id,
        customerId: 'ann',
      })) as CreateOrderResponse,
    ).toMatchObject({ order: { status: 'cancelled' } })
    // Cancelled now: the sweep settles it as orders has it, as order.cancelled would.
    await sweep()
    expect((await burgers()).reserved).toBe(held - 2)
  })

  it('gives back the holds of a reserve that died before recording them, once they are stale', async () => {
    await start()
    const before = await burgers()
    const items = sys.adapters.store.collection<{ _id: string; ops: string[] }>(
      'stock',
      stock.spec.data!.collections.items!.spec,
    )
    const mark = holdMark({ attempt: 'dead', at: Date.now() - STALE_MS, quantity: 4, orderId: 'o' })
    await items.update('burger', {
      inc: { reserved: 4, available: -4 } as never,
      addToSet: { ops: mark },
    })
    expect((await burgers()).available).toBe(before.available - 4)
    await sweep()
    expect(await burgers()).toEqual(before)
    expect((await items.get('burger'))?.ops).toEqual([])
  })
})
