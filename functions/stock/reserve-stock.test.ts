import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GetLevelsResponse, ReserveStockResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['stock'])
})
afterEach(() => runtime.stop())

type Line = { id: string; quantity: number }
const reserve = async (orderId: string, items: Line[]) =>
  (await runtime.invoke('stock.reserve-stock', { orderId, items })) as ReserveStockResponse

async function levels(...itemIds: string[]) {
  const { levels } = (await runtime.invoke('stock.get-levels', { itemIds })) as GetLevelsResponse
  return Object.fromEntries(levels.map((l) => [l.itemId, l]))
}

describe('stock.reserve-stock', () => {
  it('reserves every line and answers the new levels', async () => {
    const { levels: after } = await reserve('o-1', [
      { id: 'burger', quantity: 2 },
      { id: 'fries', quantity: 3 },
    ])
    expect(after).toEqual([
      { itemId: 'burger', onHand: 100, reserved: 2, available: 98 },
      { itemId: 'fries', onHand: 200, reserved: 3, available: 197 },
    ])
    expect(await levels('burger', 'fries')).toEqual({
      burger: { itemId: 'burger', onHand: 100, reserved: 2, available: 98 },
      fries: { itemId: 'fries', onHand: 200, reserved: 3, available: 197 },
    })
  })

  it('reserves nothing when one line of two is short, listing the shortage', async () => {
    await expect(
      reserve('o-1', [
        { id: 'burger', quantity: 2 },
        { id: 'brownie', quantity: 41 },
      ]),
    ).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
      details: { shortages: [{ itemId: 'brownie', requested: 41, available: 40 }] },
      message: expect.stringContaining('brownie'),
    })
    expect(await levels('burger', 'brownie')).toMatchObject({
      burger: { reserved: 0, available: 100 },
      brownie: { reserved: 0, available: 40 },
    })
  })

  it('lists every short line, including items that have no stock at all', async () => {
    await reserve('o-1', [{ id: 'brownie', quantity: 38 }])
    await expect(
      reserve('o-2', [
        { id: 'brownie', quantity: 3 },
        { id: 'fries', quantity: 1 },
        { id: 'caviar', quantity: 1 },
      ]),
    ).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
      details: {
        shortages: [
          { itemId: 'brownie', requested: 3, available: 2 },
          { itemId: 'caviar', requested: 1, available: 0 },
        ],
      },
    })
    expect((await levels('fries')).fries?.reserved).toBe(0)
  })

  it('is idempotent per order: reserving again for the same order holds nothing more', async () => {
    await reserve('o-1', [{ id: 'burger', quantity: 5 }])
    const again = await reserve('o-1', [{ id: 'burger', quantity: 5 }])
    expect(again.levels).toEqual([{ itemId: 'burger', onHand: 100, reserved: 5, available: 95 }])
    expect((await levels('burger')).burger?.reserved).toBe(5)
  })

  it('can take the very last units, and then no more', async () => {
    await reserve('o-1', [{ id: 'brownie', quantity: 40 }])
    await expect(reserve('o-2', [{ id: 'brownie', quantity: 1 }])).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
      details: { shortages: [{ itemId: 'brownie', requested: 1, available: 0 }] },
    })
  })

  it('never oversells when many orders reserve at once', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) => reserve(`o-${i}`, [{ id: 'brownie', quantity: 1 }])),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(40)
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(20)
    expect((await levels('brownie')).brownie).toEqual({
      itemId: 'brownie',
      onHand: 40,
      reserved: 40,
      available: 0,
    })
  })

  it('never oversells when one request names the same item on two lines', async () => {
    // 30 + 30 brownies is more than the 40 there are, whichever way the lines are counted.
    await expect(
      reserve('o-1', [
        { id: 'brownie', quantity: 30 },
        { id: 'brownie', quantity: 30 },
      ]),
    ).rejects.toMatchObject({ code: expect.stringMatching(/OUT_OF_STOCK|INVALID_REQUEST/) })
    expect((await levels('brownie')).brownie).toMatchObject({ reserved: 0, available: 40 })
  })

  it.each([
    ['no order id', { orderId: '', items: [{ id: 'fries', quantity: 1 }] }],
    ['no lines', { orderId: 'o-1', items: [] }],
    ['a zero quantity', { orderId: 'o-1', items: [{ id: 'fries', quantity: 0 }] }],
    ['a negative quantity', { orderId: 'o-1', items: [{ id: 'fries', quantity: -2 }] }],
    ['a fractional quantity', { orderId: 'o-1', items: [{ id: 'fries', quantity: 1.5 }] }],
  ])('refuses a request with %s as INVALID_REQUEST and reserves nothing', async (_what, req) => {
    await expect(runtime.invoke('stock.reserve-stock', req)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
    expect((await levels('fries')).fries?.reserved).toBe(0)
  })
})
