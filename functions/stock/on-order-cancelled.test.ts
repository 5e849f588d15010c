import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Runtime } from '../../runtime/host.ts'
import { level, orderEvent, placeOrder, stockAndOrders } from '../../test/order-fixtures.ts'

let runtime: Runtime
let orderId: string
beforeEach(async () => {
  runtime = await stockAndOrders()
  orderId = await placeOrder(runtime, 'lemonade', 2)
})
afterEach(() => runtime.stop())

const cancelled = (id: string) =>
  runtime.invoke('stock.on-order-cancelled', orderEvent(id, { reason: 'checkout_expired' }))

describe('stock.on-order-cancelled', () => {
  it('releases the reservation of an order orders has cancelled', async () => {
    expect(await level(runtime, 'lemonade')).toMatchObject({
      onHand: 150,
      reserved: 2,
      available: 148,
    })
    await runtime.invoke('orders.cancel-order', { orderId, customerId: 'ann' })
    await cancelled(orderId)
    expect(await level(runtime, 'lemonade')).toEqual({
      itemId: 'lemonade',
      onHand: 150,
      reserved: 0,
      available: 150,
    })
  })

  it('releases only once when the event is heard again', async () => {
    const other = await placeOrder(runtime, 'lemonade', 5)
    await runtime.invoke('orders.cancel-order', { orderId, customerId: 'ann' })
    await cancelled(orderId)
    await cancelled(orderId)
    // The other order's reservation is untouched by the repeats.
    expect(await level(runtime, 'lemonade')).toMatchObject({ onHand: 150, reserved: 5 })
    expect(other).not.toBe(orderId)
  })

  it('commits instead of releasing when the payment won the race at orders', async () => {
    await runtime.invoke('orders.update-order', { orderId, status: 'paid', paymentLink: '' })
    await cancelled(orderId)
    expect(await level(runtime, 'lemonade')).toEqual({
      itemId: 'lemonade',
      onHand: 148,
      reserved: 0,
      available: 148,
    })
  })

  it('defers while orders still has the order pending', async () => {
    await expect(cancelled(orderId)).rejects.toMatchObject({ name: 'RetryLater' })
    expect(await level(runtime, 'lemonade')).toMatchObject({ reserved: 2 })
  })
})
