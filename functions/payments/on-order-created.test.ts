import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import type { Runtime } from '../../runtime/host.ts'
import type { ContextOf } from '../../runtime/model/domain.ts'
import type { EventBody, EventName } from '../../shared/events.ts'
import { dataOf, invokableRuntime, waitFor } from '../../test/fixtures.ts'
import { orders } from '../orders/domain.ts'
import type { payments } from './domain.ts'
import { paymentsOf } from './lib/payments-of.ts'

let runtime: Runtime
let published: { event: EventName; body: EventBody<EventName> }[]
let order: Order
let created: EventBody<'order.created'>

beforeEach(async () => {
  runtime = await invokableRuntime(['orders', 'menu', 'stock', 'payments'])
  published = []
  const bus = runtime.adapters.bus
  for (const event of ['order.created', 'order.paid', 'order.cancelled'] as const) {
    await bus.subscribe(
      { consumer: `test.${event}`, event, prefetch: 16, retryDelaysMs: [] },
      async (d) => void published.push({ event, body: JSON.parse(d.body) }),
    )
  }
  const res = (await runtime.invoke('orders.create-order', {
    customerId: 'ann',
    items: [
      { id: 'fries', quantity: 3 },
      { id: 'lemonade', quantity: 1 },
    ],
  })) as CreateOrderResponse
  order = res.order!
  created = (await waitFor(() => published.find((p) => p.event === 'order.created')))
    .body as EventBody<'order.created'>
})
afterEach(() => runtime.stop())

const stored = async () => (await dataOf(orders, runtime.adapters.store).get(order.id))!
/** The payment provider the local checkout function uses (the local one: no STRIPE_SECRET_KEY). */
const provider = () =>
  paymentsOf(runtime.contextOf('payments.local-checkout') as ContextOf<typeof payments>)
const local = async () => {
  const checkout = (await provider()).local
  if (!checkout) throw new Error('payments is not using the local checkout')
  return checkout
}
const sessionIdOf = (link: string) => new URL(link).pathname.split('/').at(-1) ?? ''

describe('payments.on-order-created', () => {
  it('records a payment link on the order', async () => {
    expect((await stored()).paymentLink).toBe('')
    await runtime.invoke('payments.on-order-created', created)
    const { paymentLink, status } = await stored()
    expect(status).toBe('pending')
    expect(paymentLink).toMatch(/^http:\/\/localhost:0\/checkout\/cs_local_[0-9a-f]+$/)
  })

  it('opens a checkout with the price ids, metadata and the way back to the order page', async () => {
    await runtime.invoke('payments.on-order-created', created)
    const session = await (await local()).session(sessionIdOf((await stored()).paymentLink))
    const orderPage = `http://localhost:0/orders/ann/${order.id}`
    expect(session).toMatchObject({
      orderId: order.id,
      customerId: 'ann',
      currency: 'eur',
      status: 'open',
      lines: [
        { priceId: 'price_fries', name: 'Fries', quantity: 3, unitAmount: 350 },
        { priceId: 'price_lemonade', name: 'Lemonade', quantity: 1, unitAmount: 300 },
      ],
      successUrl: `${orderPage}?checkout=success`,
      cancelUrl: `${orderPage}?checkout=cancelled`,
    })
  })

  it('links to a checkout page that shows the line items and the total', async () => {
    await runtime.invoke('payments.on-order-created', created)
    const path = new URL((await stored()).paymentLink).pathname

    const res = await runtime.app.request(path)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/text\/html/)
    const page = await res.text()
    expect(page).toContain('Fries × 3')
    expect(page).toContain('€10.50')
    expect(page).toContain('Lemonade × 1')
    expect(page).toContain('€3.00')
    expect(page).toMatch(/data-testid="total">€13.50</)
    expect(page).toContain(`${path}/pay`)
    expect(page).toContain(`${path}/cancel`)
  })

  it('expires the session at once when the order was cancelled before it was opened', async () => {
    await dataOf(orders, runtime.adapters.store).update(
      order.id,
      { status: 'cancelled', updatedAt: new Date().toISOString() },
      ['pending'],
    )
    await runtime.invoke('payments.on-order-created', created)
    const session = await (await local()).session(sessionIdOf((await stored()).paymentLink))
    expect(session?.status).toBe('expired')
  })

  it('keeps one session and one link when run twice', async () => {
    await runtime.invoke('payments.on-order-created', created)
    const first = (await stored()).paymentLink
    await runtime.invoke('payments.on-order-created', created)
    expect((await stored()).paymentLink).toBe(first)
    const again = await (await provider()).createCheckoutSession({
      orderId: order.id,
      customerId: 'ann',
      currency: 'eur',
      lines: [],
      successUrl: '',
      cancelUrl: '',
    })
    expect(again.url).toBe(first)
  })

  it("checkout's Pay button delivers a signed payment that the webhook turns into order.paid", async () => {
    await runtime.invoke('payments.on-order-created', created)
    const link = (await stored()).paymentLink
    const path = new URL(link).pathname

    const res = await runtime.app.request(`${path}/pay`, { method: 'POST' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toBe(
      `http://localhost:0/orders/ann/${order.id}?checkout=success`,
    )
    const paid = await waitFor(() => published.find((p) => p.event === 'order.paid'))
    expect(paid.body).toMatchObject({ orderId: order.id, customerId: 'ann' })
    expect((await (await local()).session(sessionIdOf(link)))?.status).toBe('complete')

    const again = await runtime.app.request(`${path}/pay`, { method: 'POST' })
    expect(again.status).toBe(409)
  })

  it("checkout's Cancel button turns into order.cancelled", async () => {
    await runtime.invoke('payments.on-order-created', created)
    const path = new URL((await stored()).paymentLink).pathname

    const res = await runtime.app.request(`${path}/cancel`, { method: 'POST' })
    expect(res.status).toBe(303)
    expect(res.headers.get('location')).toContain('?checkout=cancelled')
    const cancelled = await waitFor(() => published.find((p) => p.event === 'order.cancelled'))
    expect(cancelled.body).toMatchObject({ orderId: order.id, reason: 'checkout_expired' })
  })

  it('answers 404 for a checkout that does not exist', async () => {
    expect((await runtime.app.request('/checkout/cs_local_nope')).status).toBe(404)
  })
})
