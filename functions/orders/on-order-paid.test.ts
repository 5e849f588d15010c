import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { dataOf, invokableRuntime } from '../../test/fixtures.ts'
import { orders } from './domain.ts'

let runtime: Runtime
let order: Order
beforeEach(async () => {
  runtime = await invokableRuntime(['orders', 'menu', 'stock'])
  const res = (await runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [{ id: 'burger', quantity: 1 }],
  })) as CreateOrderResponse
  order = res.order!
})
afterEach(() => runtime.stop())

const paid = (orderId: string, eventId = `evt-${orderId}`) => ({
  eventId,
  orderId,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
  paymentId: 'cs_test_1',
})
const stored = (id: string) => dataOf(orders, runtime.adapters.store).get(id)

describe('orders.on-order-paid', () => {
  it('marks a pending order paid', async () => {
    await runtime.invoke('orders.on-order-paid', paid(order.id))
    expect(await stored(order.id)).toMatchObject({ status: 'paid', items: order.items })
  })

  it('treats a duplicate payment as a no-op', async () => {
    await runtime.invoke('orders.on-order-paid', paid(order.id))
    const once = await stored(order.id)
    await new Promise((r) => setTimeout(r, 2))
    await runtime.invoke('orders.on-order-paid', paid(order.id))
    await runtime.invoke('orders.on-order-paid', paid(order.id, 'another-delivery'))
    expect(await stored(order.id)).toEqual(once)
  })

  it('leaves a cancelled order cancelled', async () => {
    await runtime.invoke('orders.cancel-order', { orderId: order.id, customerId: 'ann' })
    await runtime.invoke('orders.on-order-paid', paid(order.id))
    expect((await stored(order.id))?.status).toBe('cancelled')
  })

  it.each(['preparing', 'ready'])('never moves a %s order back to paid', async (status) => {
    await dataOf(orders, runtime.adapters.store).update(order.id, {
      status,
      updatedAt: order.updatedAt,
    })
    await runtime.invoke('orders.on-order-paid', paid(order.id))
    expect((await stored(order.id))?.status).toBe(status)
  })

  it('ignores a payment for an unknown order', async () => {
    await expect(runtime.invoke('orders.on-order-paid', paid('no-such-order'))).resolves.toEqual({
      ok: true,
    })
    expect(await stored('no-such-order')).toBeUndefined()
  })
})
