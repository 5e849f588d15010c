import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { MenuItem, UpsertItemResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['menu'])
})
afterEach(() => runtime.stop())

const pie: MenuItem = {
  id: 'apple-pie',
  name: 'Apple pie',
  description: 'Warm, with cinnamon',
  priceId: 'price_pie',
  unitAmount: 550,
  currency: 'eur',
}

const upsert = async (item: unknown) =>
  (await runtime.invoke('menu.upsert-item', { item })) as UpsertItemResponse

describe('menu.upsert-item', () => {
  it('creates a new item, then replaces it', async () => {
    expect(await upsert(pie)).toEqual({ item: pie, created: true })
    expect(await runtime.invoke('menu.get-item', { id: 'apple-pie' })).toEqual({ item: pie })

    const repriced = { ...pie, name: 'Apple pie (large)', unitAmount: 700 }
    expect(await upsert(repriced)).toEqual({ item: repriced, created: false })
    expect(await runtime.invoke('menu.get-item', { id: 'apple-pie' })).toEqual({ item: repriced })
  })

  it('replaces a seeded item without creating a second one', async () => {
    const { created } = await upsert({
      id: 'fries',
      name: 'Fries',
      description: 'Now with rosemary',
      priceId: 'price_fries',
      unitAmount: 390,
      currency: 'eur',
    })
    expect(created).toBe(false)
    const { items } = (await runtime.invoke('menu.list-items', {})) as { items: MenuItem[] }
    expect(items.filter((i) => i.id === 'fries')).toEqual([
      expect.objectContaining({ unitAmount: 390, description: 'Now with rosemary' }),
    ])
  })

  it('stores the currency in lower case', async () => {
    const { item } = await upsert({ ...pie, currency: 'USD' })
    expect(item?.currency).toBe('usd')
    expect(await runtime.invoke('menu.get-item', { id: pie.id })).toMatchObject({
      item: { currency: 'usd' },
    })
  })

  it.each([
    ['an empty name', { name: '  ' }, 'name'],
    ['a negative price', { unitAmount: -1 }, 'unitAmount'],
    ['a fractional price', { unitAmount: 1.5 }, 'unitAmount'],
    ['a currency that is not 3 letters', { currency: 'euro' }, 'currency'],
    ['an id with spaces', { id: 'apple pie' }, 'id'],
    ['an empty price id', { priceId: '' }, 'priceId'],
    ['a description over 500 characters', { description: 'x'.repeat(501) }, 'description'],
  ])('refuses %s with INVALID_REQUEST naming the field', async (_what, change, field) => {
    await expect(upsert({ ...pie, ...change })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: { problems: [expect.objectContaining({ path: field })] },
    })
    await expect(runtime.invoke('menu.get-item', { id: pie.id })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
    })
  })

  it('lists every problem of an invalid item', async () => {
    const err = await upsert({ ...pie, name: '', currency: '€' }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'INVALID_REQUEST' })
    const paths = (err as { details: { problems: { path: string }[] } }).details.problems.map(
      (p) => p.path,
    )
    expect(paths.sort()).toEqual(['currency', 'name'])
  })

  it('refuses a request without an item', async () => {
    await expect(runtime.invoke('menu.upsert-item', {})).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
  })
})
