/**
 * The orders domain's data on every store adapter: insert once, read back exactly, list a
 * customer's orders newest first, and guarded status moves of which exactly one wins a race.
 */
import { expect, it } from 'vitest'
import type { Order } from '../../proto/gen/oms.ts'
import { eachStore } from '../../test/each-store.ts'
import { preparedDataOf } from '../../test/fixtures.ts'
import { orders } from './domain.ts'

let orderSeq = 0
const order = (overrides: Partial<Order> = {}): Order => {
  const createdAt = new Date(Date.UTC(2026, 0, 1, 12, 0, orderSeq)).toISOString()
  return {
    id: `order-${++orderSeq}-${Math.random().toString(36).slice(2, 8)}`,
    customerId: 'ann',
    status: 'pending',
    items: [
      { id: 'fries', name: 'Fries', quantity: 2, priceId: 'price_fries', unitAmount: 350 },
      { id: 'cola', name: 'Cola', quantity: 1, priceId: 'price_cola', unitAmount: 250 },
    ],
    total: 950,
    currency: 'eur',
    paymentLink: '',
    createdAt,
    updatedAt: createdAt,
    traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    expiresAt: new Date(Date.parse(createdAt) + 1_800_000).toISOString(),
    refund: undefined,
    ...overrides,
  }
}

const later = () => new Date(Date.now() + 60_000).toISOString()

eachStore('orders data', ({ fresh }) => {
  async function repo() {
    return preparedDataOf(orders, await fresh())
  }

  it('inserts an order once and reads it back exactly', async () => {
    const data = await repo()
    const o = order()
    expect(await data.insert(o)).toBe(true)
    expect(await data.insert({ ...o, status: 'paid', total: 1 })).toBe(false)
    expect(await data.get(o.id)).toStrictEqual(o)
    expect(await data.get('nope')).toBeUndefined()
  })

  it('lists a customer’s orders newest first, only theirs, up to a limit', async () => {
    const data = await repo()
    const a1 = order()
    const b1 = order({ customerId: 'bob' })
    const a2 = order()
    const a3 = order()
    // Inserted out of creation order: the listing follows createdAt.
    for (const o of [a2, a1, b1, a3]) await data.insert(o)
    expect((await data.listByCustomer('ann')).map((o) => o.id)).toEqual([a3.id, a2.id, a1.id])
    expect(await data.listByCustomer('bob')).toStrictEqual([b1])
    expect((await data.listByCustomer('ann', 2)).map((o) => o.id)).toEqual([a3.id, a2.id])
    expect(await data.listByCustomer('nobody')).toEqual([])
  })

  it('lists orders created in the same instant newest inserted first', async () => {
    const data = await repo()
    const at = new Date().toISOString()
    const list = [order({ createdAt: at }), order({ createdAt: at }), order({ createdAt: at })]
    for (const o of list) await data.insert(o)
    expect((await data.listByCustomer('ann')).map((o) => o.id)).toEqual(
      list.map((o) => o.id).reverse(),
    )
  })

  it('patches an order, any status or only from the allowed ones', async () => {
    const data = await repo()
    const o = order()
    await data.insert(o)
    const t1 = later()
    expect(await data.update(o.id, { paymentLink: 'https://pay/1', updatedAt: t1 })).toStrictEqual({
      ...o,
      paymentLink: 'https://pay/1',
      updatedAt: t1,
    })
    const t2 = later()
    const paid = await data.update(o.id, { status: 'paid', updatedAt: t2 }, ['pending'])
    expect(paid).toStrictEqual({
      ...o,
      status: 'paid',
      paymentLink: 'https://pay/1',
      updatedAt: t2,
    })
    expect(await data.get(o.id)).toStrictEqual(paid)
  })

  it('refuses a move from a status not allowed, changing nothing', async () => {
    const data = await repo()
    const o = order({ status: 'paid' })
    await data.insert(o)
    const patch = { status: 'cancelled', paymentLink: 'x', updatedAt: later() }
    expect(await data.update(o.id, patch, ['pending'])).toBeUndefined()
    expect(await data.update(o.id, patch, [])).toBeUndefined()
    expect(await data.update('nope', patch)).toBeUndefined()
    expect(await data.get(o.id)).toStrictEqual(o)
  })

  it('lets exactly one of 50 concurrent moves from pending win', async () => {
    const data = await repo()
    const o = order()
    await data.insert(o)
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        data.update(o.id, { status: i % 2 ? 'paid' : 'cancelled', updatedAt: later() }, [
          'pending',
        ]),
      ),
    )
    const winners = results.filter((r) => r !== undefined)
    expect(winners).toHaveLength(1)
    expect((await data.get(o.id))?.status).toBe(winners[0]?.status)
  })
})
