import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CancelOrderResponse, CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import type { EventBody } from '../../shared/events.ts'
import { dataOf, startSystem, type TestSystem, waitFor } from '../../test/fixtures.ts'
import { stock } from '../stock/domain.ts'
import { orders } from './domain.ts'

// Stock's consumers run too, so the release that order.cancelled causes can be seen.
let sys: TestSystem
let cancelled: EventBody<'order.cancelled'>[]
beforeEach(async () => {
  sys = await startSystem({ select: ['orders', 'menu', 'stock'] })
  cancelled = []
  await sys.adapters.bus.subscribe(
    { consumer: 'test.cancelled', event: 'order.cancelled', prefetch: 16, retryDelaysMs: [] },
    async (d) => void cancelled.push(JSON.parse(d.body)),
  )
})
afterEach(() => sys.stop())

async function createOrder(customerId = 'ann'): Promise<Order> {
  const { order } = (await sys.runtime.invoke('orders.create-order', {
    customerId,
    items: [
      { id: 'brownie', quantity: 4 },
      { id: 'fries', quantity: 2 },
    ],
  })) as CreateOrderResponse
  return order!
}

const cancel = async (orderId: string, customerId = 'ann') =>
  (
    (await sys.runtime.invoke('orders.cancel-order', {
      orderId,
      customerId,
    })) as CancelOrderResponse
  ).order!

async function reserved() {
  const levels = await dataOf(stock, sys.adapters.store).levels(['brownie', 'fries'])
  return Object.fromEntries(levels.map((l) => [l.itemId, l.reserved]))
}

describe('orders.cancel-order', () => {
  it('cancels a pending order and its stock is released through order.cancelled', async () => {
    const order = await createOrder()
    expect(await reserved()).toEqual({ brownie: 4, fries: 2 })

    const result = await cancel(order.id)
    expect(result).toMatchObject({ id: order.id, status: 'cancelled', items: order.items })
    expect(await dataOf(orders, sys.adapters.store).get(order.id)).toEqual(result)

    await waitFor(async () => {
      const r = await reserved()
      return r.brownie === 0 && r.fries === 0 ? true : undefined
    })
    expect(cancelled).toEqual([
      expect.objectContaining({ orderId: order.id, customerId: 'ann', reason: 'customer' }),
    ])
  })

  it('refuses to cancel a paid order as INVALID_TRANSITION and keeps its reservation', async () => {
    const order = await createOrder()
    await sys.runtime.invoke('orders.update-order', {
      orderId: order.id,
      status: 'paid',
      paymentLink: '',
    })
    await expect(cancel(order.id)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'paid', to: 'cancelled' },
    })
    expect((await dataOf(orders, sys.adapters.store).get(order.id))?.status).toBe('paid')
    expect(await reserved()).toEqual({ brownie: 4, fries: 2 })
    expect(cancelled).toEqual([])
  })

  it.each(['preparing', 'ready'])('refuses to cancel a %s order', async (status) => {
    const order = await createOrder()
    await dataOf(orders, sys.adapters.store).update(order.id, {
      status,
      updatedAt: order.updatedAt,
    })
    await expect(cancel(order.id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' })
  })

  it('answers a repeated cancel with the same cancelled order', async () => {
    const order = await createOrder()
    const first = await cancel(order.id)
    await new Promise((r) => setTimeout(r, 2))
    expect(await cancel(order.id)).toEqual(first)
    await waitFor(async () => ((await reserved()).brownie === 0 ? true : undefined))
    expect(await reserved()).toEqual({ brownie: 0, fries: 0 })
  })

  it("answers ORDER_NOT_FOUND for another customer's order and leaves it pending", async () => {
    const order = await createOrder('ann')
    await expect(cancel(order.id, 'mallory')).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' })
    expect((await dataOf(orders, sys.adapters.store).get(order.id))?.status).toBe('pending')
    expect(await reserved()).toEqual({ brownie: 4, fries: 2 })
  })

  it('answers ORDER_NOT_FOUND for an unknown order', async () => {
    await expect(cancel('no-such-order')).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' })
  })
})
