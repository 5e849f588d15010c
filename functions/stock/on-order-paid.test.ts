import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Runtime } from '../../runtime/host.ts'
import { level, orderEvent, placeOrder, stockAndOrders } from '../../test/order-fixtures.ts'

let runtime: Runtime
let orderId: string
beforeEach(async () => {
  runtime = await stockAndOrders()
  orderId = await placeOrder(runtime, 'fries', 3)
})
afterEach(() => runtime.stop())

const paid = (id: string) => runtime.invoke('stock.on-order-paid', orderEvent(id))
const moveTo = (status: string) =>
  runtime.invoke('orders.update-order', { orderId, status, paymentLink: '' })

describe('stock.on-order-paid', () => {
  it('commits the reservation of an order orders has marked paid: on hand and reserved go down', async () => {
    expect(await level(runtime, 'fries')).toEqual({
      itemId: 'fries',
      onHand: 200,
      reserved: 3,
      available: 197,
    })
    await moveTo('paid')
    await paid(orderId)
    expect(await level(runtime, 'fries')).toEqual({
      itemId: 'fries',
      onHand: 197,
      reserved: 0,
      available: 197,
    })
  })

  it('changes nothing when the payment is heard again', async () => {
    await moveTo('paid')
    await paid(orderId)
    await paid(orderId)
    await runtime.invoke('stock.on-order-paid', orderEvent(orderId, { eventId: 'another-id' }))
    expect(await level(runtime, 'fries')).toEqual({
      itemId: 'fries',
      onHand: 197,
      reserved: 0,
      available: 197,
    })
  })

  it('defers (retry later) while orders has not recorded the payment, changing nothing', async () => {
    await expect(paid(orderId)).rejects.toMatchObject({ name: 'RetryLater' })
    expect(await level(runtime, 'fries')).toMatchObject({ onHand: 200, reserved: 3 })
  })

  it('releases instead of committing when orders kept the order cancelled (late payment)', async () => {
    await runtime.invoke('orders.cancel-order', { orderId, customerId: 'ann' })
    await paid(orderId)
    expect(await level(runtime, 'fries')).toEqual({
      itemId: 'fries',
      onHand: 200,
      reserved: 0,
      available: 200,
    })
  })

  it('ignores a payment for an order orders never heard of', async () => {
    await paid('unknown')
    expect(await level(runtime, 'fries')).toMatchObject({ onHand: 200, reserved: 3 })
  })

  it('refuses an event that fails its schema as poison', async () => {
    await expect(
      runtime.invoke('stock.on-order-paid', { orderId, customerId: 'ann' }),
    ).rejects.toMatchObject({
      name: 'PoisonMessageError',
    })
    expect(await level(runtime, 'fries')).toMatchObject({ onHand: 200, reserved: 3 })
  })
})
