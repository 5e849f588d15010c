import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CheckStockResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['stock'])
})
afterEach(() => runtime.stop())

const check = async (items: { id: string; quantity: number }[]) =>
  (await runtime.invoke('stock.check-stock', { items })) as CheckStockResponse

describe('stock.check-stock', () => {
  it('says quantities up to what is available are in stock', async () => {
    const result = await check([
      { id: 'brownie', quantity: 40 },
      { id: 'fries', quantity: 1 },
    ])
    expect(result.inStock).toBe(true)
    expect(result.levels).toEqual([
      { itemId: 'brownie', onHand: 40, reserved: 0, available: 40 },
      { itemId: 'fries', onHand: 200, reserved: 0, available: 200 },
    ])
  })

  it('says a quantity above what is available is not in stock', async () => {
    expect((await check([{ id: 'brownie', quantity: 41 }])).inStock).toBe(false)
    expect(
      (
        await check([
          { id: 'fries', quantity: 1 },
          { id: 'brownie', quantity: 41 },
        ])
      ).inStock,
    ).toBe(false)
  })

  it('counts units held by open reservations as gone', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'brownie', quantity: 35 }],
    })
    expect((await check([{ id: 'brownie', quantity: 5 }])).inStock).toBe(true)
    expect((await check([{ id: 'brownie', quantity: 6 }])).inStock).toBe(false)
  })

  it('says an item without stock is not in stock', async () => {
    const result = await check([{ id: 'caviar', quantity: 1 }])
    expect(result).toEqual({ inStock: false, levels: [] })
  })

  it('does not reserve anything', async () => {
    await check([{ id: 'brownie', quantity: 40 }])
    await check([{ id: 'brownie', quantity: 40 }])
    expect((await check([{ id: 'brownie', quantity: 40 }])).inStock).toBe(true)
  })
})
