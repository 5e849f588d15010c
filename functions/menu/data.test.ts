/** The menu's data on every store adapter: add, replace, read, list in the order added, delete. */
import { expect, it } from 'vitest'
import type { MenuItem } from '../../proto/gen/oms.ts'
import { eachStore } from '../../test/each-store.ts'
import { preparedDataOf } from '../../test/fixtures.ts'
import { menu } from './domain.ts'

const item = (id: string, overrides: Partial<MenuItem> = {}): MenuItem => ({
  id,
  name: `Item ${id}`,
  description: `The ${id}`,
  priceId: `price_${id}`,
  unitAmount: 450,
  currency: 'eur',
  ...overrides,
})

eachStore('menu data', ({ fresh }) => {
  async function items() {
    return preparedDataOf(menu, await fresh())
  }

  it('adds, replaces, reads, lists in the order added and deletes items', async () => {
    const data = await items()
    expect(await data.list()).toEqual([])
    expect(await data.upsert(item('burger'))).toStrictEqual({ item: item('burger'), created: true })
    await data.upsert(item('fries'))
    await data.upsert(item('cola'))
    const cheaper = item('burger', { name: 'Burger', unitAmount: 800 })
    expect(await data.upsert(cheaper)).toStrictEqual({ item: cheaper, created: false })

    expect(await data.get('burger')).toStrictEqual(cheaper)
    expect(await data.get('nope')).toBeUndefined()
    expect(await data.list()).toStrictEqual([cheaper, item('fries'), item('cola')])

    expect(await data.delete('fries')).toBe(true)
    expect(await data.delete('fries')).toBe(false)
    expect(await data.get('fries')).toBeUndefined()
    expect((await data.list()).map((i) => i.id)).toEqual(['burger', 'cola'])
  })

  it('creates an item once when 10 upserts of a new id race; the last write is whole', async () => {
    const data = await items()
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => data.upsert(item('wrap', { unitAmount: 100 + i }))),
    )
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const stored = await data.get('wrap')
    expect(results.map((r) => r.item)).toContainEqual(stored)
    expect(await data.list()).toHaveLength(1)
  })
})
