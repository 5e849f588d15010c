import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, ListOrdersByStatusResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { dataOf, invokableRuntime } from '../../test/fixtures.ts'
import { orders } from './domain.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['orders', 'menu', 'stock'])
})
afterEach(() => runtime.stop())

/** An order placed `minutesAgo` before now, put straight into `status` in the store. */
async function orderIn(status: string, minutesAgo = 0) {
  const { order } = (await runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [{ id: 'fries', quantity: 1 }],
  })) as CreateOrderResponse
  const data = dataOf(orders, runtime.adapters.store)
  const placed = await data.getPlaced(order!.id)
  const createdAt = new Date(Date.now() - minutesAgo * 60_000).toISOString()
  // Its placing time moved back: the status index orders by it.
  await data.insert({ ...placed!.order, id: `${order!.id}-x`, createdAt, status })
  await data.deleteWhile(order!.id, 'pending')
  return `${order!.id}-x`
}

const list = async (request: { statuses: string[]; placedSince?: string; limit?: number }) =>
  (
    (await runtime.invoke('orders.list-orders-by-status', {
      placedSince: '',
      limit: 0,
      ...request,
    })) as ListOrdersByStatusResponse
  ).orders

describe('orders.list-orders-by-status', () => {
  it('lists the orders of the statuses asked, oldest placed first, across statuses', async () => {
    const ready = await orderIn('ready', 30)
    const paid = await orderIn('paid', 20)
    const preparing = await orderIn('preparing', 25)
    await orderIn('pending', 40)
    await orderIn('collected', 50)
    const found = await list({ statuses: ['paid', 'preparing', 'ready'] })
    expect(found.map((o) => [o.id, o.status])).toEqual([
      [ready, 'ready'],
      [preparing, 'preparing'],
      [paid, 'paid'],
    ])
  })

  it('leaves out orders placed before placedSince, and keeps to the limit per status', async () => {
    await orderIn('paid', 120)
    const recent = [await orderIn('paid', 10), await orderIn('paid', 5), await orderIn('paid', 1)]
    const since = new Date(Date.now() - 60 * 60_000).toISOString()
    expect((await list({ statuses: ['paid'], placedSince: since })).map((o) => o.id)).toEqual(
      recent,
    )
    expect(
      (await list({ statuses: ['paid'], placedSince: since, limit: 2 })).map((o) => o.id),
    ).toEqual(recent.slice(0, 2))
  })

  it.each([
    [{ statuses: [] }, /at least one status/],
    [{ statuses: ['eaten'] }, /unknown status eaten/],
    [{ statuses: ['paid'], placedSince: 'yesterday' }, /RFC 3339/],
    [{ statuses: ['paid'], limit: 501 }, /limit/],
  ])('refuses %j as INVALID_REQUEST', async (request, message) => {
    await expect(list(request)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message),
    })
  })
})
