/**
 * Many customers ordering the last units at once: stock is never oversold. Every order is a
 * separate HTTP request, all in flight together; each is either accepted whole (201) or
 * refused with 409 OUT_OF_STOCK, and what the menu then offers is exactly what is left.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, post, startSystem, type TestSystem } from './fixtures.ts'

let sys: TestSystem
beforeEach(async () => {
  sys = await startSystem()
})
afterEach(async () => {
  await sys.stop()
})

const admin = (body: unknown): RequestInit => ({
  ...post(body, { authorization: `Bearer ${ADMIN_TOKEN}` }),
  method: 'PUT',
})

/** Puts a new item on the menu with `units` in stock, through the admin API. */
async function stockedItem(id: string, units: number) {
  const item = await sys.json(
    `/api/admin/menu/${id}`,
    admin({
      name: `Item ${id}`,
      description: 'limited batch',
      priceId: `price_${id}`,
      unitAmount: 500,
      currency: 'eur',
    }),
  )
  expect(item.status, JSON.stringify(item.body)).toBe(200)
  const stock = await sys.json(`/api/admin/stock/${id}`, admin({ quantity: units }))
  expect(stock.status, JSON.stringify(stock.body)).toBe(200)
  expect(stock.body.item).toMatchObject({ id, onHand: units, reserved: 0, available: units })
  expect(await availableOf(id)).toBe(units)
}

async function availableOf(id: string): Promise<number> {
  const { status, body } = await sys.json('/api/menu')
  expect(status).toBe(200)
  const item = (body.items as { id: string; available: number }[]).find((i) => i.id === id)
  expect(item, `${id} on the menu`).toBeDefined()
  return item?.available ?? Number.NaN
}

/** Sends every order at once; resolves to each one's status and body, in request order. */
function orderAllAtOnce(orders: { customerId: string; itemId: string; quantity: number }[]) {
  return Promise.all(
    orders.map(({ customerId, itemId, quantity }) =>
      sys.json(`/api/customers/${customerId}/orders`, post({ items: [{ id: itemId, quantity }] })),
    ),
  )
}

describe('concurrent orders for scarce stock', () => {
  it('accepts exactly 10 of 100 concurrent one-unit orders for 10 units', async () => {
    await stockedItem('golden-ticket', 10)

    const results = await orderAllAtOnce(
      Array.from({ length: 100 }, (_, i) => ({
        customerId: `customer-${i}`,
        itemId: 'golden-ticket',
        quantity: 1,
      })),
    )

    const accepted = results.filter((r) => r.status === 201)
    const refused = results.filter((r) => r.status === 409)
    expect(accepted).toHaveLength(10)
    expect(refused).toHaveLength(90)
    for (const r of accepted) {
      expect(r.body.order).toMatchObject({
        status: 'pending',
        items: [{ id: 'golden-ticket', quantity: 1 }],
        total: 500,
      })
    }
    for (const r of refused) {
      expect(r.body.error).toMatchObject({ code: 'OUT_OF_STOCK', message: expect.any(String) })
      expect(r.body.error.details.shortages).toEqual([
        { itemId: 'golden-ticket', requested: 1, available: 0 },
      ])
    }
    expect(new Set(accepted.map((r) => r.body.order.id)).size).toBe(10)
    expect(await availableOf('golden-ticket')).toBe(0)

    // Each accepted customer sees their order; each refused one has none.
    const lists = await Promise.all(
      results.map((_, i) => sys.json(`/api/customers/customer-${i}/orders`)),
    )
    const withOrders = lists.filter((l) => l.body.orders.length === 1)
    expect(withOrders).toHaveLength(10)
    expect(lists.filter((l) => l.body.orders.length === 0)).toHaveLength(90)
  })

  it('never sells more than 20 units to 50 concurrent orders of 1–3 units', async () => {
    await stockedItem('last-batch', 20)
    const quantities = Array.from({ length: 50 }, (_, i) => (i % 3) + 1)

    const results = await orderAllAtOnce(
      quantities.map((quantity, i) => ({
        customerId: `buyer-${i}`,
        itemId: 'last-batch',
        quantity,
      })),
    )

    expect(results.every((r) => r.status === 201 || r.status === 409)).toBe(true)
    let sold = 0
    results.forEach((r, i) => {
      if (r.status === 201) {
        expect(r.body.order.items).toEqual([
          expect.objectContaining({ id: 'last-batch', quantity: quantities[i] }),
        ])
        sold += quantities[i] ?? 0
      } else {
        expect(r.body.error.code).toBe('OUT_OF_STOCK')
        const [shortage] = r.body.error.details.shortages
        expect(shortage.requested).toBe(quantities[i])
        expect(shortage.available).toBeLessThan(shortage.requested)
      }
    })

    expect(sold).toBeGreaterThan(0)
    expect(sold).toBeLessThanOrEqual(20)
    const left = await availableOf('last-batch')
    expect(left).toBe(20 - sold)
    // Orders were refused only for lack of stock, so less is left than the largest order (3).
    expect(left).toBeLessThan(3)
  })
})
