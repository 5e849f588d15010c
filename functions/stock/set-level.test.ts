import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GetLevelsResponse, SetLevelResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'
import { MAX_ON_HAND } from './set-level.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['stock'])
})
afterEach(() => runtime.stop())

const setLevel = async (itemId: string, onHand: number) =>
  (await runtime.invoke('stock.set-level', { itemId, onHand })) as SetLevelResponse

async function level(itemId: string) {
  const { levels } = (await runtime.invoke('stock.get-levels', {
    itemIds: [itemId],
  })) as GetLevelsResponse
  return levels[0]
}

describe('stock.set-level', () => {
  it('sets units on hand and answers the level', async () => {
    expect(await setLevel('brownie', 12)).toEqual({
      level: { itemId: 'brownie', onHand: 12, reserved: 0, available: 12 },
    })
    expect(await level('brownie')).toMatchObject({ onHand: 12, available: 12 })
  })

  it('accepts zero and the maximum', async () => {
    expect((await setLevel('brownie', 0)).level).toMatchObject({ onHand: 0, available: 0 })
    expect((await setLevel('brownie', MAX_ON_HAND)).level).toMatchObject({ onHand: MAX_ON_HAND })
  })

  it('keeps open reservations: available is the new level minus what is reserved', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'brownie', quantity: 10 }],
    })
    expect((await setLevel('brownie', 25)).level).toEqual({
      itemId: 'brownie',
      onHand: 25,
      reserved: 10,
      available: 15,
    })
    expect((await setLevel('brownie', 10)).level).toMatchObject({ available: 0 })
  })

  it('refuses a level below what open reservations hold, and keeps the old level', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'brownie', quantity: 10 }],
    })
    await expect(setLevel('brownie', 9)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: { reserved: 10 },
    })
    expect(await level('brownie')).toEqual({
      itemId: 'brownie',
      onHand: 40,
      reserved: 10,
      available: 30,
    })
  })

  it.each([
    ['negative', -1],
    ['fractional', 2.5],
    ['too big', MAX_ON_HAND + 1],
    ['not a number', Number.NaN],
  ])('refuses a %s level as INVALID_REQUEST', async (_what, onHand) => {
    await expect(setLevel('brownie', onHand)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(await level('brownie')).toMatchObject({ onHand: 40 })
  })

  it('refuses a request without an item id', async () => {
    await expect(setLevel('', 5)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })
})
