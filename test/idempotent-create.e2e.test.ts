/**
 * POST /api/customers/:customerId/orders with an Idempotency-Key, through the HTTP API on the
 * embedded defaults: a retry answers the first request's status and body and reserves nothing
 * more; the key with other items is refused (422); a bad key is a 400.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { post, startSystem, type TestSystem } from './fixtures.ts'

let sys: TestSystem
beforeEach(async () => {
  sys = await startSystem()
})
afterEach(async () => {
  await sys.stop()
})

const ORDERS = '/api/customers/ann/orders'

async function available(id: string): Promise<number> {
  const { body } = await sys.json('/api/menu')
  return (body.items as { id: string; available: number }[]).find((i) => i.id === id)!.available
}

async function place(items: unknown, key?: string) {
  const res = await sys.fetch(
    ORDERS,
    post({ items }, key === undefined ? {} : { 'idempotency-key': key }),
  )
  return { status: res.status, body: await res.json() }
}

async function ordersOfAnn(): Promise<{ id: string }[]> {
  const { body } = await sys.json(ORDERS)
  return body.orders
}

describe('POST /api/customers/:customerId/orders with an Idempotency-Key', () => {
  it('answers a retry with the same status and body, placing one order and reserving once', async () => {
    const before = await available('burger')
    const items = [{ id: 'burger', quantity: 2 }]
    const first = await place(items, 'click-1')
    expect(first.status).toBe(201)
    const retry = await place(items, 'click-1')
    expect(retry).toEqual(first)
    expect(await available('burger')).toBe(before - 2)
    expect((await ordersOfAnn()).map((o) => o.id)).toEqual([first.body.order.id])
    // Without a key, or with another, it is another order.
    expect((await place(items, 'click-2')).body.order.id).not.toBe(first.body.order.id)
    expect((await place(items)).status).toBe(201)
    expect(await available('burger')).toBe(before - 6)
  })

  it('answers 422 IDEMPOTENCY_KEY_REUSED for the key with other items, changing nothing', async () => {
    await place([{ id: 'fries', quantity: 1 }], 'click-1')
    const before = await available('fries')
    const reused = await place([{ id: 'fries', quantity: 2 }], 'click-1')
    expect(reused).toEqual({
      status: 422,
      body: { error: { code: 'IDEMPOTENCY_KEY_REUSED', message: expect.any(String) } },
    })
    expect(await available('fries')).toBe(before)
    expect(await ordersOfAnn()).toHaveLength(1)
  })

  it('places one order of two racing requests with one key, and both get its answer', async () => {
    const before = await available('lemonade')
    const items = [{ id: 'lemonade', quantity: 1 }]
    const [a, b] = await Promise.all([place(items, 'race'), place(items, 'race')])
    expect(a!.status).toBe(201)
    expect(b).toEqual(a)
    expect(await ordersOfAnn()).toHaveLength(1)
    expect(await available('lemonade')).toBe(before - 1)
  })

  it.each([
    ['empty', ''],
    ['over 255 characters', 'k'.repeat(256)],
  ])('answers 400 INVALID_REQUEST for a key that is %s, placing nothing', async (_, key) => {
    const res = await place([{ id: 'fries', quantity: 1 }], key)
    expect(res.status).toBe(400)
    expect(res.body.error).toMatchObject({ code: 'INVALID_REQUEST' })
    expect(await ordersOfAnn()).toEqual([])
    expect((await place([{ id: 'fries', quantity: 1 }], 'k'.repeat(255))).status).toBe(201)
  })
})
