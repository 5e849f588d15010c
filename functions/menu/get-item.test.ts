import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['menu.get-item'])
})
afterEach(() => runtime.stop())

describe('menu.get-item', () => {
  it('returns the item', async () => {
    expect(await runtime.invoke('menu.get-item', { id: 'fries' })).toEqual({
      item: {
        id: 'fries',
        name: 'Fries',
        description: 'Hand-cut, twice-fried, sea salt',
        priceId: 'price_fries',
        unitAmount: 350,
        currency: 'eur',
      },
    })
  })

  it('answers ITEM_NOT_FOUND, naming the item, when it is not on the menu', async () => {
    await expect(runtime.invoke('menu.get-item', { id: 'caviar' })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
      details: { itemId: 'caviar' },
      message: expect.stringContaining('caviar'),
    })
  })
})
