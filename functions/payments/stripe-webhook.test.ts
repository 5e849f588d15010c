import Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import { createAdapters } from '../../runtime/adapters/create-adapters.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../../runtime/host.ts'
import type { Bus } from '../../runtime/ports/bus.ts'
import {
  dataOf,
  post,
  signedStripeEvent,
  silentLogger,
  startSystem,
  type TestSystem,
  testConfig,
  testEnv,
  WEBHOOK_SECRET,
  waitFor,
} from '../../test/fixtures.ts'
import { orders } from '../orders/domain.ts'
import { stock } from '../stock/domain.ts'
import { payments } from './domain.ts'

const WEBHOOK = '/api/payments/webhook'

/** A local checkout session as payments records it when it opens one for the order. */
const localSession = (orderId: string, customerId: string) => ({
  _id: orderId,
  sessionId: `cs_test_${orderId}`,
  orderId,
  customerId,
  currency: 'eur',
  lines: [{ priceId: 'price_fries', name: 'Fries', quantity: 1, unitAmount: 350 }],
  successUrl: 'http://shop/ok',
  cancelUrl: 'http://shop/cancel',
  status: 'open' as const,
})

function deliver(app: Runtime['app'], event: { payload: string; signature?: string }) {
  const headers: Record<string, string> = event.signature
    ? { 'stripe-signature': event.signature }
    : {}
  return app.request(WEBHOOK, post(event.payload, headers))
}

describe('payments.stripe-webhook: verification and what it publishes', () => {
  let runtime: Runtime
  let published: { event: string; body: Record<string, unknown> }[]
  const ids = { orderId: 'order-1', customerId: 'ann' }

  beforeEach(async () => {
    const env = testEnv()
    const adapters = await createAdapters(testConfig(), silentLogger)
    published = []
    // Records every publish (the outbox relay's included) as it is made.
    const bus: Bus = {
      ...adapters.bus,
      async publish(event, body, headers) {
        published.push({ event, body: { ...body } })
        return adapters.bus.publish(event, body, headers)
      },
      async publishRaw(event, body, headers, messageId) {
        published.push({ event, body: JSON.parse(body) })
        return adapters.bus.publishRaw(event, body, headers, messageId)
      },
    }
    runtime = await createRuntime({
      env,
      functions: await loadFunctions(['payments.stripe-webhook']),
      adapters: { ...adapters, bus },
      log: silentLogger,
      listen: false,
    })
    // The session payments opened for order-1 (what the webhook checks events against).
    await dataOf(payments, runtime.adapters.store).sessions.insert(localSession('order-1', 'ann'))
  })
  afterEach(() => runtime.stop())
  /** Delivers, then lets the outbox relay publish what the webhook stored. */
  const deliverAll = async (event: Parameters<typeof deliver>[1]) => {
    const res = await deliver(runtime.app, event)
    await runtime.outbox.drain()
    return res
  }

  it('answers 200 to a valid paid checkout and publishes order.paid', async () => {
    const event = signedStripeEvent({ ...ids, id: 'evt_paid_1' })
    const res = await deliverAll(event)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: true })
    expect(published).toEqual([
      {
        event: 'order.paid',
        body: {
          eventId: 'evt_paid_1',
          orderId: 'order-1',
          customerId: 'ann',
          paymentId: 'cs_test_order-1',
          occurredAt: expect.any(String),
        },
      },
    ])
  })

  it.each([
    ['a missing signature', () => ({ ...signedStripeEvent(ids), signature: undefined })],
    [
      'a signature with the wrong secret',
      () => signedStripeEvent({ ...ids, secret: 'whsec_other' }),
    ],
    [
      'a tampered body',
      () => {
        const e = signedStripeEvent(ids)
        return { ...e, payload: e.payload.replace('order-1', 'order-2') }
      },
    ],
    [
      'a timestamp older than 5 minutes',
      () => signedStripeEvent({ ...ids, timestamp: Math.floor(Date.now() / 1000) - 6 * 60 }),
    ],
    ['a garbage signature', () => ({ ...signedStripeEvent(ids), signature: 't=1,v1=abc' })],
  ])('answers 400 INVALID_SIGNATURE to %s and publishes nothing', async (_what, make) => {
    const res = await deliverAll(make())
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({
      error: { code: 'INVALID_SIGNATURE', message: expect.any(String) },
    })
    expect(published).toEqual([])
  })

  it('answers 400 INVALID_REQUEST to a correctly signed body that is not JSON', async () => {
    const payload = 'not json'
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
    const res = await deliverAll({ payload, signature })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST')
    expect(published).toEqual([])
  })

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    [
      'an event whose id is a number',
      JSON.stringify({ id: 7, type: 'checkout.session.completed', data: { object: {} } }),
    ],
    [
      'a session whose metadata has a numeric order id',
      JSON.stringify({
        id: 'evt_bad_meta',
        object: 'event',
        type: 'checkout.session.completed',
        data: {
          object: {
            id: 'cs_1',
            object: 'checkout.session',
            payment_status: 'paid',
            metadata: { orderId: 12, customerId: 'ann' },
          },
        },
      }),
    ],
  ])(
    'answers 400 INVALID_REQUEST to a correctly signed body that is %s, publishing nothing',
    async (_what, payload) => {
      const signature = Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: WEBHOOK_SECRET,
      })
      const res = await deliverAll({ payload, signature })
      expect(res.status).toBe(400)
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('INVALID_REQUEST')
      expect(published).toEqual([])
    },
  )

  it('accepts a signature made a few minutes ago, within the tolerance', async () => {
    const event = signedStripeEvent({ ...ids, timestamp: Math.floor(Date.now() / 1000) - 4 * 60 })
    expect((await deliverAll(event)).status).toBe(200)
    expect(published).toHaveLength(1)
  })

  it('acts on the same event id once, answering 200 every time', async () => {
    const event = signedStripeEvent({ ...ids, id: 'evt_dup' })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await deliverAll(event)).status)
    expect(statuses).toEqual([200, 200, 200])
    expect(published).toHaveLength(1)
  })

  it('acts once even when the same event arrives three times at once', async () => {
    const event = signedStripeEvent({ ...ids, id: 'evt_race' })
    const res = await Promise.all([1, 2, 3].map(() => deliverAll(event)))
    expect(res.map((r) => r.status)).toEqual([200, 200, 200])
    expect(published).toHaveLength(1)
  })

  it('ignores a completed checkout whose payment is still unpaid', async () => {
    const res = await deliverAll(signedStripeEvent({ ...ids, paymentStatus: 'unpaid' }))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ received: true, ignored: expect.any(String) })
    expect(published).toEqual([])
  })

  it('publishes order.paid when a delayed payment succeeds', async () => {
    const res = await deliverAll(
      signedStripeEvent({
        ...ids,
        type: 'checkout.session.async_payment_succeeded',
        paymentStatus: 'paid',
      }),
    )
    expect(res.status).toBe(200)
    expect(published).toEqual([
      { event: 'order.paid', body: expect.objectContaining({ orderId: 'order-1' }) },
    ])
  })

  it.each([
    ['checkout.session.expired', 'checkout_expired'],
    ['checkout.session.async_payment_failed', 'payment_failed'],
  ])('publishes order.cancelled for %s', async (type, reason) => {
    const res = await deliverAll(signedStripeEvent({ ...ids, type, paymentStatus: 'unpaid' }))
    expect(res.status).toBe(200)
    expect(published).toEqual([
      {
        event: 'order.cancelled',
        body: expect.objectContaining({ orderId: 'order-1', customerId: 'ann', reason }),
      },
    ])
  })

  it('ignores event types it does not handle', async () => {
    const res = await deliverAll(signedStripeEvent({ ...ids, type: 'checkout.session.created' }))
    expect(res.status).toBe(200)
    expect(published).toEqual([])
  })

  it('ignores a session without the order metadata', async () => {
    const payload = JSON.stringify({
      id: 'evt_no_metadata',
      object: 'event',
      type: 'checkout.session.completed',
      data: { object: { id: 'cs_x', object: 'checkout.session', payment_status: 'paid' } },
    })
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
    const res = await deliverAll({ payload, signature })
    expect(res.status).toBe(200)
    expect(published).toEqual([])
  })

  it.each([
    ['another session than the order’s', { sessionId: 'cs_test_someone_else' }],
    ['another customer than the order’s', { customerId: 'mallory' }],
    ['an order no session was opened for', { orderId: 'order-2' }],
  ])('ignores a signed payment for %s, publishing nothing', async (_what, override) => {
    const res = await deliverAll(signedStripeEvent({ ...ids, ...override }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      received: true,
      ignored: 'session or customer does not match the order',
    })
    expect(published).toEqual([])
  })
})

describe('payments.stripe-webhook: effects on orders and stock', () => {
  let sys: TestSystem
  let order: Order
  beforeEach(async () => {
    sys = await startSystem({ select: ['orders', 'menu', 'stock', 'payments'] })
    const res = (await sys.runtime.invoke('orders.create-order', {
      customerId: 'ann',
      items: [{ id: 'brownie', quantity: 5 }],
    })) as CreateOrderResponse
    order = res.order!
    // The session payments opened for the order: Stripe's events are about it.
    const link = await waitFor(
      async () =>
        (await dataOf(orders, sys.adapters.store).get(order.id))?.paymentLink || undefined,
    )
    sessionId = link.split('/').pop()!
  })
  afterEach(() => sys.stop())
  let sessionId: string
  const signedFor = (options: Parameters<typeof signedStripeEvent>[0]) =>
    signedStripeEvent({ sessionId, ...options })

  const status = async () => (await dataOf(orders, sys.adapters.store).get(order.id))?.status
  const brownie = async () => (await dataOf(stock, sys.adapters.store).levels(['brownie']))[0]
  const until = (want: string) =>
    waitFor(async () => ((await status()) === want ? true : undefined), { what: want })

  it('a paid checkout marks the order paid and commits its stock, once', async () => {
    const event = signedFor({ orderId: order.id, customerId: 'ann' })
    for (let i = 0; i < 3; i++) expect((await deliver(sys.runtime.app, event)).status).toBe(200)
    await until('paid')
    await waitFor(async () => ((await brownie())?.onHand === 35 ? true : undefined))
    expect(await brownie()).toEqual({ itemId: 'brownie', onHand: 35, reserved: 0, available: 35 })
  })

  it('an expired checkout cancels the order and releases its stock', async () => {
    expect(await brownie()).toMatchObject({ reserved: 5, available: 35 })
    const event = signedFor({
      orderId: order.id,
      customerId: 'ann',
      type: 'checkout.session.expired',
      paymentStatus: 'unpaid',
    })
    expect((await deliver(sys.runtime.app, event)).status).toBe(200)
    await until('cancelled')
    await waitFor(async () => ((await brownie())?.reserved === 0 ? true : undefined))
    expect(await brownie()).toEqual({ itemId: 'brownie', onHand: 40, reserved: 0, available: 40 })
  })

  it('a failed delayed payment cancels the order', async () => {
    const event = signedFor({
      orderId: order.id,
      customerId: 'ann',
      type: 'checkout.session.async_payment_failed',
      paymentStatus: 'unpaid',
    })
    expect((await deliver(sys.runtime.app, event)).status).toBe(200)
    await until('cancelled')
  })

  it('an unpaid completion leaves the order pending until the delayed payment succeeds', async () => {
    const unpaid = signedFor({
      orderId: order.id,
      customerId: 'ann',
      paymentStatus: 'unpaid',
    })
    expect((await deliver(sys.runtime.app, unpaid)).status).toBe(200)
    expect(await status()).toBe('pending')

    const succeeded = signedFor({
      orderId: order.id,
      customerId: 'ann',
      type: 'checkout.session.async_payment_succeeded',
    })
    expect((await deliver(sys.runtime.app, succeeded)).status).toBe(200)
    await until('paid')
  })

  it('an expiry heard after the payment leaves the order paid and the sale committed', async () => {
    await deliver(sys.runtime.app, signedFor({ orderId: order.id, customerId: 'ann' }))
    await until('paid')
    await waitFor(async () => ((await brownie())?.onHand === 35 ? true : undefined))
    await deliver(
      sys.runtime.app,
      signedFor({
        orderId: order.id,
        customerId: 'ann',
        type: 'checkout.session.expired',
        paymentStatus: 'unpaid',
      }),
    )
    // Nothing should change, so there is no outcome to wait for: give the consumers a moment.
    await new Promise((r) => setTimeout(r, 50))
    expect(await status()).toBe('paid')
    expect(await brownie()).toEqual({ itemId: 'brownie', onHand: 35, reserved: 0, available: 35 })
  })
})
