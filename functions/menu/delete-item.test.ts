import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ListItemsResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['menu'])
})
afterEach(() => runtime.stop())

describe('menu.delete-item', () => {
  it('takes the item off the menu', async () => {
    expect(await runtime.invoke('menu.delete-item', { id: 'brownie' })).toEqual({})

    await expect(runtime.invoke('menu.get-item', { id: 'brownie' })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
    })
    const { items } = (await runtime.invoke('menu.list-items', {})) as ListItemsResponse
    expect(items.map((i) => i.id)).not.toContain('brownie')
    expect(items).toHaveLength(4)
  })

  it('answers ITEM_NOT_FOUND when deleting twice', async () => {
    await runtime.invoke('menu.delete-item', { id: 'fries' })
    await expect(runtime.invoke('menu.delete-item', { id: 'fries' })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
      details: { itemId: 'fries' },
    })
  })

  it('answers ITEM_NOT_FOUND for an item never on the menu', async () => {
    await expect(runtime.invoke('menu.delete-item', { id: 'caviar' })).rejects.toMatchObject({
      code: 'ITEM_NOT_FOUND',
    })
  })
})
