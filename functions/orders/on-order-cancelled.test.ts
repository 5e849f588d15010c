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

const cancelled = (orderId: string, reason = 'checkout_expired') => ({
  eventId: `evt-${orderId}-cancelled`,
  orderId,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
  reason,
})
const stored = (id: string) => dataOf(orders, runtime.adapters.store).get(id)

describe('orders.on-order-cancelled', () => {
  it.each(['checkout_expired', 'payment_failed', 'customer'])(
    'cancels a pending order (reason %s)',
    async (reason) => {
      await runtime.invoke('orders.on-order-cancelled', cancelled(order.id, reason))
      expect(await stored(order.id)).toMatchObject({ status: 'cancelled', items: order.items })
    },
  )

  it('treats a repeated cancellation as a no-op', async () => {
    await runtime.invoke('orders.on-order-cancelled', cancelled(order.id))
    const once = await stored(order.id)
    await new Promise((r) => setTimeout(r, 2))
    await runtime.invoke('orders.on-order-cancelled', cancelled(order.id))
    expect(await stored(order.id)).toEqual(once)
  })

  it.each(['paid', 'preparing', 'ready'])('leaves a %s order as it is', async (status) => {
    await dataOf(orders, runtime.adapters.store).update(order.id, {
      status,
      updatedAt: order.updatedAt,
    })
    await runtime.invoke('orders.on-order-cancelled', cancelled(order.id, 'payment_failed'))
    expect((await stored(order.id))?.status).toBe(status)
  })

  it('ignores a cancellation of an unknown order', async () => {
    await expect(
      runtime.invoke('orders.on-order-cancelled', cancelled('no-such-order')),
    ).resolves.toEqual({ ok: true })
  })

  it('refuses an event with an unknown reason as poison', async () => {
    await expect(
      runtime.invoke('orders.on-order-cancelled', cancelled(order.id, 'bored')),
    ).rejects.toMatchObject({ name: 'PoisonMessageError' })
    expect((await stored(order.id))?.status).toBe('pending')
  })
})
