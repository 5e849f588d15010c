import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime, post } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['gateway.orders-api', 'orders', 'menu', 'stock'])
})
afterEach(() => runtime.stop())

// biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
async function request(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await runtime.app.request(path, init)
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : undefined }
}

const orders = (customerId: string) => `/api/customers/${customerId}/orders`
const place = (customerId: string, body: unknown) => request(orders(customerId), post(body))

async function placeOrder(customerId = 'ann', items = [{ id: 'fries', quantity: 2 }]) {
  const res = await place(customerId, { items })
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.order
}

/** DESIGN.md's `Order`, exactly: no other fields. */
function anOrder(fields: Record<string, unknown>) {
  return {
    id: expect.any(String),
    customerId: expect.any(String),
    status: expect.any(String),
    items: expect.any(Array),
    total: expect.any(Number),
    currency: expect.any(String),
    paymentLink: null,
    createdAt: expect.any(String),
    updatedAt: expect.any(String),
    expiresAt: expect.any(String),
    refund: null,
    ...fields,
  }
}

const errorOf = (code: string) => ({
  error: { code, message: expect.any(String), details: expect.anything() },
})

describe('POST /api/customers/:customerId/orders', () => {
  it('answers 201 with the order in the public shape and where to send the customer', async () => {
    const res = await place('ann', {
      items: [
        { id: 'fries', quantity: 2 },
        { id: 'lemonade', quantity: 1 },
        { id: 'fries', quantity: 1 },
      ],
    })
    expect(res.status).toBe(201)
    expect(Object.keys(res.body).sort()).toEqual(['order', 'redirectToURL'])
    expect(res.body.order).toEqual(
      anOrder({
        customerId: 'ann',
        status: 'pending',
        items: [
          { id: 'fries', name: 'Fries', quantity: 3, priceId: 'price_fries', unitAmount: 350 },
          {
            id: 'lemonade',
            name: 'Lemonade',
            quantity: 1,
            priceId: 'price_lemonade',
            unitAmount: 300,
          },
        ],
        total: 1350,
        currency: 'eur',
        paymentLink: null,
      }),
    )
    expect(res.body.order.createdAt).toBe(res.body.order.updatedAt)
    expect(res.body.redirectToURL).toBe(`http://localhost:0/orders/ann/${res.body.order.id}`)
  })

  it.each([
    ['no items', { items: [] }],
    ['a zero quantity', { items: [{ id: 'fries', quantity: 0 }] }],
    ['a fractional quantity', { items: [{ id: 'fries', quantity: 1.5 }] }],
    ['a quantity as a string', { items: [{ id: 'fries', quantity: '2' }] }],
    ['an unknown field on a line', { items: [{ id: 'fries', quantity: 1, price: 1 }] }],
    ['an unknown top-level field', { items: [{ id: 'fries', quantity: 1 }], coupon: 'FREE' }],
    ['items that are not a list', { items: { id: 'fries', quantity: 1 } }],
    ['no items field', {}],
    ['a body that is a list', [{ id: 'fries', quantity: 1 }]],
  ])('answers 400 INVALID_REQUEST with details to %s', async (_what, body) => {
    const res = await place('ann', body)
    expect(res.status).toBe(400)
    expect(res.body).toEqual(errorOf('INVALID_REQUEST'))
    expect(res.body.error.details.problems.length).toBeGreaterThan(0)
  })

  it('answers 400 to a body that is not JSON', async () => {
    const res = await place('ann', '{"items": [')
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_REQUEST')
  })

  it('answers 400 to a customer id outside letters, digits, - and _', async () => {
    const res = await place('a%20b', { items: [{ id: 'fries', quantity: 1 }] })
    expect(res.status).toBe(400)
    expect(res.body.error.code).toBe('INVALID_REQUEST')
    expect(res.body.error.details.problems).toEqual([
      expect.objectContaining({ path: 'customerId' }),
    ])
  })

  it('answers 404 ITEM_NOT_FOUND for an item not on the menu', async () => {
    const res = await place('ann', { items: [{ id: 'caviar', quantity: 1 }] })
    expect(res.status).toBe(404)
    expect(res.body).toEqual(errorOf('ITEM_NOT_FOUND'))
    expect(res.body.error.details).toEqual({ itemIds: ['caviar'] })
  })

  it('answers 409 OUT_OF_STOCK with the shortages', async () => {
    const res = await place('ann', { items: [{ id: 'brownie', quantity: 41 }] })
    expect(res.status).toBe(409)
    expect(res.body).toEqual(errorOf('OUT_OF_STOCK'))
    expect(res.body.error.details).toEqual({
      shortages: [{ itemId: 'brownie', requested: 41, available: 40 }],
    })
    expect((await request(orders('ann'))).body).toEqual({ orders: [] })
  })
})

describe('GET /api/customers/:customerId/orders/:orderId', () => {
  it('answers the order, with paymentLink null until it is known, then the link', async () => {
    const placed = await placeOrder()
    const before = await request(`${orders('ann')}/${placed.id}`)
    expect(before).toEqual({ status: 200, body: { order: placed } })
    expect(before.body.order.paymentLink).toBeNull()

    await runtime.invoke('orders.update-order', {
      orderId: placed.id,
      status: '',
      paymentLink: 'http://localhost:0/checkout/cs_local_abc',
    })
    const after = await request(`${orders('ann')}/${placed.id}`)
    expect(after.body.order).toEqual(
      anOrder({
        ...placed,
        paymentLink: 'http://localhost:0/checkout/cs_local_abc',
        updatedAt: expect.any(String),
      }),
    )
  })

  it("answers 404 ORDER_NOT_FOUND for another customer's order", async () => {
    const placed = await placeOrder('ann')
    const res = await request(`${orders('mallory')}/${placed.id}`)
    expect(res.status).toBe(404)
    expect(res.body.error.code).toBe('ORDER_NOT_FOUND')
  })

  it('answers 404 ORDER_NOT_FOUND for an unknown order', async () => {
    const res = await request(`${orders('ann')}/no-such-order`)
    expect(res.status).toBe(404)
    expect(res.body.error).toMatchObject({ code: 'ORDER_NOT_FOUND', message: expect.any(String) })
  })
})

describe('GET /api/customers/:customerId/orders', () => {
  it("answers the customer's orders, newest first, each in the public shape", async () => {
    const first = await placeOrder('ann', [{ id: 'burger', quantity: 1 }])
    const second = await placeOrder('ann', [{ id: 'fries', quantity: 1 }])
    await placeOrder('bob')
    const res = await request(orders('ann'))
    expect(res.status).toBe(200)
    expect(res.body).toEqual({ orders: [second, first] })
  })

  it('answers an empty list for a customer without orders', async () => {
    expect(await request(orders('newcomer'))).toEqual({ status: 200, body: { orders: [] } })
  })
})

describe('POST /api/customers/:customerId/orders/:orderId/cancel', () => {
  const cancel = (customerId: string, orderId: string) =>
    request(`${orders(customerId)}/${orderId}/cancel`, { method: 'POST' })

  it('cancels a pending order, and answers a repeat with the same order', async () => {
    const placed = await placeOrder()
    const res = await cancel('ann', placed.id)
    expect(res.status).toBe(200)
    expect(res.body).toEqual({
      order: anOrder({ ...placed, status: 'cancelled', updatedAt: expect.any(String) }),
    })

    const again = await cancel('ann', placed.id)
    expect(again).toEqual({ status: 200, body: res.body })
  })

  it('answers 409 INVALID_TRANSITION for a paid order', async () => {
    const placed = await placeOrder()
    await runtime.invoke('orders.update-order', {
      orderId: placed.id,
      status: 'paid',
      paymentLink: '',
    })
    const res = await cancel('ann', placed.id)
    expect(res.status).toBe(409)
    expect(res.body).toEqual(errorOf('INVALID_TRANSITION'))
    expect(res.body.error.details).toEqual({ from: 'paid', to: 'cancelled' })
  })

  it("answers 404 for an unknown order or another customer's", async () => {
    const placed = await placeOrder('ann')
    expect((await cancel('ann', 'no-such-order')).status).toBe(404)
    expect((await cancel('mallory', placed.id)).status).toBe(404)
    expect((await request(`${orders('ann')}/${placed.id}`)).body.order.status).toBe('pending')
  })
})
