import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, ListOrdersResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['orders', 'menu', 'stock'])
})
afterEach(() => runtime.stop())

async function createOrder(customerId: string, id: string) {
  const { order } = (await runtime.invoke('orders.create-order', {
    customerId,
    items: [{ id, quantity: 1 }],
  })) as CreateOrderResponse
  return order!
}

const listOrders = async (customerId: string) =>
  ((await runtime.invoke('orders.list-orders', { customerId })) as ListOrdersResponse).orders

describe('orders.list-orders', () => {
  it("lists the customer's orders, newest first", async () => {
    const first = await createOrder('ann', 'burger')
    await new Promise((r) => setTimeout(r, 2))
    const second = await createOrder('ann', 'fries')
    const third = await createOrder('ann', 'lemonade')

    const orders = await listOrders('ann')
    expect(orders.map((o) => o.id)).toEqual([third.id, second.id, first.id])
    expect(orders[2]).toEqual(first)
  })

  it("leaves out other customers' orders", async () => {
    const mine = await createOrder('ann', 'burger')
    await createOrder('bob', 'fries')
    expect((await listOrders('ann')).map((o) => o.id)).toEqual([mine.id])
  })

  it('answers an empty list for a customer without orders', async () => {
    expect(await listOrders('newcomer')).toEqual([])
  })

  it('refuses a request without a customer id', async () => {
    await expect(listOrders('')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })
})
