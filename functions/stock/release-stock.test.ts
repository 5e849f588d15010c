import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GetLevelsResponse } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import { invokableRuntime } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await invokableRuntime(['stock'])
})
afterEach(() => runtime.stop())

async function burger() {
  const { levels } = (await runtime.invoke('stock.get-levels', {
    itemIds: ['burger'],
  })) as GetLevelsResponse
  return levels[0]
}

describe('stock.release-stock', () => {
  it('gives an open reservation back, once', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'burger', quantity: 4 }],
    })
    expect(await burger()).toMatchObject({ reserved: 4, available: 96 })

    expect(await runtime.invoke('stock.release-stock', { orderId: 'o-1' })).toEqual({
      released: true,
    })
    expect(await burger()).toEqual({ itemId: 'burger', onHand: 100, reserved: 0, available: 100 })

    expect(await runtime.invoke('stock.release-stock', { orderId: 'o-1' })).toEqual({
      released: false,
    })
    expect(await burger()).toMatchObject({ reserved: 0, available: 100 })
  })

  it('leaves other orders reservations alone', async () => {
    for (const orderId of ['o-1', 'o-2']) {
      await runtime.invoke('stock.reserve-stock', {
        orderId,
        items: [{ id: 'burger', quantity: 3 }],
      })
    }
    await runtime.invoke('stock.release-stock', { orderId: 'o-1' })
    expect(await burger()).toMatchObject({ reserved: 3, available: 97 })
  })

  it('answers released: false for an order with no reservation', async () => {
    expect(await runtime.invoke('stock.release-stock', { orderId: 'nobody' })).toEqual({
      released: false,
    })
  })

  it('refuses a request without an order id', async () => {
    await expect(runtime.invoke('stock.release-stock', { orderId: '' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
  })
})
