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
})
afterEach(() => runtime.stop())

const event = (orderId: string) => ({
  eventId: `evt-${orderId}-paid`,
  orderId,
  customerId: 'ann',
  occurredAt: new Date().toISOString(),
})

async function fries() {
  const { levels } = (await runtime.invoke('stock.get-levels', {
    itemIds: ['fries'],
  })) as GetLevelsResponse
  return levels[0]
}

describe('stock.on-order-paid', () => {
  beforeEach(async () => {
    await runtime.invoke('stock.reserve-stock', {
      orderId: 'o-1',
      items: [{ id: 'fries', quantity: 3 }],
    })
  })

  it('commits the reservation: on hand and reserved both go down', async () => {
    expect(await fries()).toEqual({ itemId: 'fries', onHand: 200, reserved: 3, available: 197 })
    await runtime.invoke('stock.on-order-paid', event('o-1'))
    expect(await fries()).toEqual({ itemId: 'fries', onHand: 197, reserved: 0, available: 197 })
  })

  it('changes nothing when the payment is heard again', async () => {
    await runtime.invoke('stock.on-order-paid', event('o-1'))
    await runtime.invoke('stock.on-order-paid', event('o-1'))
    await runtime.invoke('stock.on-order-paid', { ...event('o-1'), eventId: 'another-id' })
    expect(await fries()).toEqual({ itemId: 'fries', onHand: 197, reserved: 0, available: 197 })
  })

  it('leaves a released reservation released', async () => {
    await runtime.invoke('stock.release-stock', { orderId: 'o-1' })
    await runtime.invoke('stock.on-order-paid', event('o-1'))
    expect(await fries()).toEqual({ itemId: 'fries', onHand: 200, reserved: 0, available: 200 })
  })

  it('ignores a payment for an order it never reserved for', async () => {
    await runtime.invoke('stock.on-order-paid', event('unknown'))
    expect(await fries()).toMatchObject({ onHand: 200, reserved: 3 })
  })

  it('refuses an event that fails its schema as poison', async () => {
    await expect(
      runtime.invoke('stock.on-order-paid', { orderId: 'o-1', customerId: 'ann' }),
    ).rejects.toMatchObject({ name: 'PoisonMessageError' })
    expect(await fries()).toMatchObject({ onHand: 200, reserved: 3 })
  })
})
