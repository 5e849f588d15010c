import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { GetLevelsResponse } from '../../proto/gen/oms.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../../runtime/host.ts'
import { silentLogger, testConfig } from '../../test/fixtures.ts'

let runtime: Runtime
beforeEach(async () => {
  runtime = await createRuntime({
    config: testConfig(),
    functions: await loadFunctions(['stock']),
    log: silentLogger,
    listen: false,
  })
  await runtime.invoke('stock.reserve-stock', {
    orderId: 'o-1',
    items: [
      { id: 'lemonade', quantity: 2 },
      { id: 'burger', quantity: 1 },
    ],
  })
})
afterEach(() => runtime.stop())

const cancelled = (orderId: string) => ({
  eventId: `${orderId}:cancelled`,
  orderId,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
  reason: 'customer',
})

async function levels() {
  const { levels } = (await runtime.invoke('stock.get-levels', {
    itemIds: ['lemonade', 'burger'],
  })) as GetLevelsResponse
  return levels
}

describe('stock.on-order-cancelled', () => {
  it('releases the reservation', async () => {
    await runtime.invoke('stock.on-order-cancelled', cancelled('o-1'))
    expect(await levels()).toEqual([
      { itemId: 'lemonade', onHand: 150, reserved: 0, available: 150 },
      { itemId: 'burger', onHand: 100, reserved: 0, available: 100 },
    ])
  })

  it('releases only once when the event is heard again', async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-2',
      items: [{ id: 'lemonade', quantity: 5 }],
    })
    await runtime.invoke('stock.on-order-cancelled', cancelled('o-1'))
    await runtime.invoke('stock.on-order-cancelled', cancelled('o-1'))
    expect((await levels())[0]).toEqual({
      itemId: 'lemonade',
      onHand: 150,
      reserved: 5,
      available: 145,
    })
  })

  it('changes nothing after the reservation was committed', async () => {
    await runtime.invoke('stock.on-order-paid', {
      eventId: 'o-1:paid',
      orderId: 'o-1',
      customerId: 'ann',
      occurredAt: new Date().toISOString(),
    })
    const committed = await levels()
    expect(committed[0]).toEqual({ itemId: 'lemonade', onHand: 148, reserved: 0, available: 148 })

    await runtime.invoke('stock.on-order-cancelled', {
      ...cancelled('o-1'),
      reason: 'checkout_expired',
    })
    expect(await levels()).toEqual(committed)
  })
})
