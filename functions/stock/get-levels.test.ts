import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GetLevelsResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { SEED_MENU } from '../../shared/seed-menu.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['stock'])
})
afterEach(() => runtime.stop())

const getLevels = async (itemIds: string[]) =>
  ((await runtime.invoke('stock.get-levels', { itemIds })) as GetLevelsResponse).levels

describe('stock.get-levels', () => {
  it('lists every item with stock when no ids are given', async () => {
    const levels = await getLevels([])
    expect(levels).toHaveLength(SEED_MENU.length)
    for (const { id, stock } of SEED_MENU) {
      expect(levels).toContainEqual({ itemId: id, onHand: stock, reserved: 0, available: stock })
    }
  })

  it('reports available as on hand minus reserved', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [
        { id: 'fries', quantity: 7 },
        { id: 'lemonade', quantity: 2 },
      ],
    })
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-2',
      items: [{ id: 'fries', quantity: 3 }],
    })
    expect(await getLevels(['fries', 'lemonade'])).toEqual([
      { itemId: 'fries', onHand: 200, reserved: 10, available: 190 },
      { itemId: 'lemonade', onHand: 150, reserved: 2, available: 148 },
    ])
    for (const l of await getLevels([])) expect(l.available).toBe(l.onHand - l.reserved)
  })

  it('leaves out ids it has no stock for', async () => {
    expect(await getLevels(['caviar', 'burger'])).toEqual([
      { itemId: 'burger', onHand: 100, reserved: 0, available: 100 },
    ])
  })
})
