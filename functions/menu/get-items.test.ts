import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GetItemsResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['menu.get-items'])
})
afterEach(() => runtime.stop())

const getItems = async (ids: string[]) =>
  (await runtime.invoke('menu.get-items', { ids })) as GetItemsResponse

describe('menu.get-items', () => {
  it('returns the items found, in request order', async () => {
    const { items, missingIds } = await getItems(['lemonade', 'burger'])
    expect(items.map((i) => i.id)).toEqual(['lemonade', 'burger'])
    expect(items[1]).toMatchObject({ name: 'Classic burger', unitAmount: 950, currency: 'eur' })
    expect(missingIds).toEqual([])
  })

  it('reports the ids not on the menu instead of failing', async () => {
    const { items, missingIds } = await getItems(['caviar', 'fries', 'truffle'])
    expect(items.map((i) => i.id)).toEqual(['fries'])
    expect(missingIds).toEqual(['caviar', 'truffle'])
  })

  it('answers an empty request with nothing', async () => {
    expect(await getItems([])).toEqual({ items: [], missingIds: [] })
  })
})
