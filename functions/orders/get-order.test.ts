import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../../runtime/host.ts'
import { silentLogger, testConfig } from '../../test/fixtures.ts'

let runtime: Runtime
let order: Order
beforeEach(async () => {
  runtime = await createRuntime({
    config: testConfig(),
    functions: await loadFunctions(['orders', 'menu', 'stock']),
    log: silentLogger,
    listen: false,
  })
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
