import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order, UpdateOrderResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { ORDER_STATUSES, type OrderStatus } from '../../shared/order-status.ts'
import { dataOf, invokableRuntime } from '../../test/fixtures.ts'
import { orders } from './domain.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['orders', 'menu', 'stock'])
})
afterEach(() => runtime.stop())

/** A fresh order, put straight into `status` in the store. */
async function orderIn(status: OrderStatus): Promise<Order> {
  const { order } = (await runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [{ id: 'fries', quantity: 1 }],
  })) as CreateOrderResponse
  if (status === 'pending') return order!
  const moved = await dataOf(orders, runtime.adapters.store).update(order!.id, {
    status,
    updatedAt: order!.updatedAt,
  })
  return moved!
}

const update = async (orderId: string, status: string, paymentLink = '') =>
  (
    (await runtime.invoke('orders.update-order', {
      orderId,
      status,
      paymentLink,
    })) as UpdateOrderResponse
  ).order!

const stored = (id: string) => dataOf(orders, runtime.adapters.store).get(id)

const ALLOWED: [OrderStatus, OrderStatus][] = [
  ['pending', 'paid'],
  ['pending', 'cancelled'],
  ['paid', 'preparing'],
  ['preparing', 'ready'],
  ['ready', 'collected'],
]
const REFUSED = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.filter(
    (to) => to !== from && !ALLOWED.some(([f, t]) => f === from && t === to),
  ).map((to) => [from, to] as const),
)

describe('orders.update-order', () => {
  it.each(ALLOWED)('moves an order from %s to %s', async (from, to) => {
    const order = await orderIn(from)
    await new Promise((r) => setTimeout(r, 2))
    const moved = await update(order.id, to)
    expect(moved).toMatchObject({ id: order.id, status: to, items: order.items })
    expect(moved.updatedAt > order.updatedAt).toBe(true)
    expect(await stored(order.id)).toEqual(moved)
  })

  it('announces each move with order.status-changed, once, stored with the move', async () => {
    const seen: { orderId: string; status: string; eventId: string }[] = []
    const watch = await runtime.adapters.bus.watch('order.status-changed', {
      message: (body) => void seen.push(JSON.parse(body)),
    })
    const order = await orderIn('paid')
    await update(order.id, 'preparing')
    await update(order.id, 'preparing')
    await update(order.id, 'ready')
    await update(order.id, 'collected')
    await expect.poll(() => seen.length).toBe(3)
    await new Promise((r) => setTimeout(r, 50))
    await watch.close()
    expect(seen.map((e) => [e.orderId, e.status, e.eventId])).toEqual([
      [order.id, 'preparing', `${order.id}:preparing`],
      [order.id, 'ready', `${order.id}:ready`],
      [order.id, 'collected', `${order.id}:collected`],
    ])
  })

  it.each(REFUSED)('refuses %s → %s as INVALID_TRANSITION', async (from, to) => {
    const order = await orderIn(from)
    await expect(update(order.id, to)).rejects.toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from, to },
    })
    expect(await stored(order.id)).toEqual(order)
  })

  it.each(ORDER_STATUSES)('treats repeating a move to %s as a no-op', async (status) => {
    const order = await orderIn(status)
    await new Promise((r) => setTimeout(r, 2))
    expect(await update(order.id, status)).toEqual(order)
    expect(await stored(order.id)).toEqual(order)
  })

  it('walks an order through its whole life', async () => {
    const order = await orderIn('pending')
    for (const status of ['paid', 'preparing', 'ready'] as const) {
      expect((await update(order.id, status)).status).toBe(status)
    }
  })

  it('refuses an unknown status as INVALID_REQUEST', async () => {
    const order = await orderIn('pending')
    await expect(update(order.id, 'shipped')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect((await stored(order.id))?.status).toBe('pending')
  })

  it('refuses a request with neither a status nor a payment link', async () => {
    const order = await orderIn('pending')
    await expect(update(order.id, '')).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('answers ORDER_NOT_FOUND for an unknown order', async () => {
    await expect(update('no-such-order', 'paid')).rejects.toMatchObject({
      code: 'ORDER_NOT_FOUND',
    })
  })

  it('records a payment link without moving the status', async () => {
    const order = await orderIn('pending')
    const updated = await update(order.id, '', 'http://localhost:0/checkout/cs_1')
    expect(updated).toMatchObject({
      status: 'pending',
      paymentLink: 'http://localhost:0/checkout/cs_1',
    })
    expect((await stored(order.id))?.paymentLink).toBe('http://localhost:0/checkout/cs_1')
  })

  it('moves the status and records a payment link in one request', async () => {
    const order = await orderIn('pending')
    expect(await update(order.id, 'paid', 'http://localhost:0/checkout/cs_2')).toMatchObject({
      status: 'paid',
      paymentLink: 'http://localhost:0/checkout/cs_2',
    })
  })

  it('records a payment link given with the status the order already has', async () => {
    const order = await orderIn('pending')
    expect(
      await update(order.id, 'pending', 'https://checkout.stripe.com/c/pay/cs_3'),
    ).toMatchObject({
      status: 'pending',
      paymentLink: 'https://checkout.stripe.com/c/pay/cs_3',
    })
    expect((await stored(order.id))?.paymentLink).toBe('https://checkout.stripe.com/c/pay/cs_3')
  })

  it.each([
    ['an outside site', 'https://evil.example/pay'],
    ['a look-alike of Stripe', 'https://checkout.stripe.com.evil.example/pay'],
    ['our own site outside the checkout', 'http://localhost:0/orders/ann/x'],
  ])('refuses a payment link to %s, changing nothing', async (_what, link) => {
    const order = await orderIn('pending')
    await expect(update(order.id, '', link)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect((await stored(order.id))?.paymentLink).toBe('')
  })
})
