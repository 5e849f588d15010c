import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

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

describe('orders.get-order', () => {
  it('returns the customer their order', async () => {
    expect(
      await runtime.invoke('orders.get-order', { orderId: order.id, customerId: 'ann' }),
    ).toEqual({ order })
  })

  it('answers ORDER_NOT_FOUND when the order belongs to another customer', async () => {
    await expect(
      runtime.invoke('orders.get-order', { orderId: order.id, customerId: 'mallory' }),
    ).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND', details: { orderId: order.id } })
  })

  it('answers ORDER_NOT_FOUND for an unknown or empty order id', async () => {
    for (const orderId of ['no-such-order', '']) {
      await expect(
        runtime.invoke('orders.get-order', { orderId, customerId: 'ann' }),
      ).rejects.toMatchObject({ code: 'ORDER_NOT_FOUND' })
    }
  })

  it('returns the order to internal callers that give no customer id', async () => {
    expect(await runtime.invoke('orders.get-order', { orderId: order.id, customerId: '' })).toEqual(
      {
        order,
      },
    )
  })
})
