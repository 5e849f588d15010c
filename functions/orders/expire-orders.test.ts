import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import { dataOf, startSystem, type TestSystem, waitFor } from '../../test/fixtures.ts'
import { payments } from '../payments/domain.ts'
import { stock } from '../stock/domain.ts'
import { orders } from './domain.ts'

let sys: TestSystem
afterEach(() => sys.stop())

/** The whole system but the sweep's own timer (each test runs the sweep itself, once). */
async function start(env: Record<string, string> = {}) {
  sys = await startSystem({
    select: ['orders', 'menu', 'stock', 'payments'],
    env: { ORDER_SWEEP_INTERVAL: '24h', ...env },
  })
}

const sweep = () => sys.runtime.invoke('orders.expire-orders', {})
const ordersData = () => dataOf(orders, sys.adapters.store)
const reservedBurgers = async () =>
  (await dataOf(stock, sys.adapters.store).levels(['burger']))[0]?.reserved

async function place(quantity = 2): Promise<Order> {
  const { order } = (await sys.runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [{ id: 'burger', quantity }],
  })) as CreateOrderResponse
  return order!
}

describe('orders.expire-orders', () => {
  it('cancels a pending order once ORDER_PAYMENT_TIMEOUT has passed: stock back, checkout expired', async () => {
    await start({ ORDER_PAYMENT_TIMEOUT: '1s' })
    const order = await place()
    await waitFor(async () => (await ordersData().get(order.id))?.paymentLink || undefined)
    expect(await reservedBurgers()).toBe(2)

    await sweep()
    expect((await ordersData().get(order.id))?.status).toBe('pending')

    await new Promise((r) => setTimeout(r, Date.parse(order.expiresAt) - Date.now() + 10))
    await sweep()
    expect((await ordersData().get(order.id))?.status).toBe('cancelled')
    await waitFor(async () => ((await reservedBurgers()) === 0 ? true : undefined), {
      what: 'stock given back',
    })
    await waitFor(
      async () =>
        (await dataOf(payments, sys.adapters.store).sessions.get(order.id))?.status === 'expired'
          ? true
          : undefined,
      { what: 'checkout expired' },
    )
  })

  it('leaves paid and unexpired orders alone', async () => {
    await start({ ORDER_PAYMENT_TIMEOUT: '1s' })
    const paid = await place(1)
    await ordersData().update(paid.id, { status: 'paid', updatedAt: paid.updatedAt }, ['pending'])
    await new Promise((r) => setTimeout(r, 1_100))
    const fresh = await place(1)
    await sweep()
    expect((await ordersData().get(paid.id))?.status).toBe('paid')
    expect((await ordersData().get(fresh.id))?.status).toBe('pending')
  })

  it('cancels an order whose placing never finished, giving back what was reserved for it', async () => {
    await start()
    // What a create-order that died after reserving leaves: a pending order, past its short
    // placing expiry, with its units held and no order.created.
    const now = Date.now()
    const orderId = randomUUID()
    await ordersData().insert({
      id: orderId,
      customerId: 'bob',
      status: 'pending',
      items: [
        { id: 'burger', name: 'Burger', quantity: 3, priceId: 'price_burger', unitAmount: 950 },
      ],
      total: 2850,
      currency: 'eur',
      paymentLink: '',
      createdAt: new Date(now - 61_000).toISOString(),
      updatedAt: new Date(now - 61_000).toISOString(),
      traceParent: '',
      expiresAt: new Date(now - 1_000).toISOString(),
      refund: undefined,
    })
    await sys.runtime.invoke('stock.reserve-stock', {
      orderId,
      items: [{ id: 'burger', quantity: 3 }],
    })
    expect(await reservedBurgers()).toBe(3)

    await sweep()
    expect((await ordersData().get(orderId))?.status).toBe('cancelled')
    await waitFor(async () => ((await reservedBurgers()) === 0 ? true : undefined), {
      what: 'stock given back',
    })
  })

  it('runs on its own, every ORDER_SWEEP_INTERVAL', async () => {
    await start({ ORDER_PAYMENT_TIMEOUT: '1s', ORDER_SWEEP_INTERVAL: '200ms' })
    const order = await place()
    await waitFor(
      async () => ((await ordersData().get(order.id))?.status === 'cancelled' ? true : undefined),
      {
        what: 'the order expired by the scheduled sweep',
        timeoutMs: 5_000,
      },
    )
  })
})
