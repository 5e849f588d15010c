import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, MoveOrderResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { dataOf, invokableRuntime } from '../../test/fixtures.ts'
import { orders } from '../orders/domain.ts'

let runtime: Runtime
let ready: string[]
beforeEach(async () => {
  runtime = await invokableRuntime(['kitchen.move-order', 'orders', 'menu', 'stock'], {
    KITCHEN_MODE: 'staff',
  })
  ready = []
  await runtime.adapters.bus.watch('order.ready', {
    message: (body) => void ready.push(JSON.parse(body).orderId),
  })
})
afterEach(() => runtime.stop())

async function paidOrder(): Promise<string> {
  const { order } = (await runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [{ id: 'burger', quantity: 1 }],
  })) as CreateOrderResponse
  await dataOf(orders, runtime.adapters.store).update(order!.id, {
    status: 'paid',
    updatedAt: new Date().toISOString(),
  })
  return order!.id
}

const move = async (orderId: string, status: string) =>
  ((await runtime.invoke('kitchen.move-order', { orderId, status })) as MoveOrderResponse).order!

describe('kitchen.move-order', () => {
  it('moves a paid order through preparing, ready (announced once) and collected', async () => {
    const id = await paidOrder()
    expect((await move(id, 'preparing')).status).toBe('preparing')
    expect((await move(id, 'preparing')).status).toBe('preparing')
    expect((await move(id, 'ready')).status).toBe('ready')
    expect((await move(id, 'collected')).status).toBe('collected')
    await expect.poll(() => ready).toEqual([id])
  })

  it('never moves an order backwards or past a step', async () => {
    const id = await paidOrder()
    await expect(move(id, 'ready')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' })
    await move(id, 'preparing')
    await move(id, 'ready')
    await expect(move(id, 'preparing')).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'ready', to: 'preparing' },
    })
    expect((await dataOf(orders, runtime.adapters.store).get(id))?.status).toBe('ready')
  })

  it.each([
    ['', 'preparing', /orderId is required/],
    ['x', 'paid', /preparing, ready, collected, not paid/],
    ['x', '', /not nothing/],
  ])('refuses order %j to %j as INVALID_REQUEST', async (orderId, status, message) => {
    await expect(move(orderId, status)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringMatching(message),
    })
  })
})
