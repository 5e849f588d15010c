import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ListItemsResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { SEED_MENU } from '../../shared/seed-menu.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['menu'])
})
afterEach(() => runtime.stop())

const listItems = async () => (await runtime.invoke('menu.list-items', {})) as ListItemsResponse

describe('menu.list-items', () => {
  it('lists every seeded item with its price', async () => {
    const { items } = await listItems()
    expect(items).toHaveLength(SEED_MENU.length)
    for (const { stock: _stock, ...seeded } of SEED_MENU) expect(items).toContainEqual(seeded)
  })

  it('sorts items by name', async () => {
    const { items } = await listItems()
    expect(items.map((i) => i.name)).toEqual([
      'Chocolate brownie',
      'Classic burger',
      'Fries',
      'Lemonade',
      'Veggie wrap',
    ])
  })

  it('includes items added later, in their place by name', async () => {
    await runtime.invoke('menu.upsert-item', {
      item: {
        id: 'apple-pie',
        name: 'Apple pie',
        description: '',
        priceId: 'price_pie',
        unitAmount: 500,
        currency: 'eur',
      },
    })
    const { items } = await listItems()
    expect(items.map((i) => i.id)).toEqual([
      'apple-pie',
      'brownie',
      'burger',
      'fries',
      'lemonade',
      'veggie-wrap',
    ])
  })
})
