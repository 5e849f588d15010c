/**
 * The whole order flow as a client sees it through the public HTTP API: menu → order →
 * payment link → checkout page → payment (a signed Stripe webhook, or the local checkout's
 * Pay button) → paid → preparing → ready, with stock reserved, committed and released on
 * the way; plus idempotent webhooks, late payments, other customers and cancellations.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { stock } from '../functions/stock/domain.ts'
import type { EventName } from '../shared/events.ts'
import {
  dataOf,
  post,
  sessionIdIn,
  signedStripeEvent,
  startSystem,
  type TestSystem,
  WEBHOOK_SECRET,
  waitFor,
} from './fixtures.ts'

interface Line {
  id: string
  quantity: number
}

const systems: TestSystem[] = []
afterEach(async () => {
  for (const s of systems.splice(0).reverse()) await s.stop()
})

/** Environment of the adapters under test (e.g. AMQP_URL), merged into every system started. */
let adapterEnv: () => Record<string, string> = () => ({})

async function start(env: Record<string, string> = {}): Promise<TestSystem> {
  const sys = await startSystem({ env: { ...adapterEnv(), ...env } })
  systems.push(sys)
  return sys
}

const ordersPath = (customerId: string) => `/api/customers/${customerId}/orders`
const orderPath = (customerId: string, orderId: string) => `${ordersPath(customerId)}/${orderId}`

/** What GET /api/menu says can still be ordered of each item. */
async function available(sys: TestSystem): Promise<Record<string, number>> {
  const { status, body } = await sys.json('/api/menu')
  expect(status).toBe(200)
  return Object.fromEntries(
    (body.items as { id: string; available: number }[]).map((i) => [i.id, i.available]),
  )
}

/** Units on hand (what is physically left), read from the store. */
async function onHand(sys: TestSystem, itemId: string): Promise<number> {
  const [level] = await dataOf(stock, sys.adapters.store).levels([itemId])
  return level?.onHand ?? Number.NaN
}

async function placeOrder(sys: TestSystem, customerId: string, items: Line[]) {
  const res = await sys.json(ordersPath(customerId), post({ items }))
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  return res.body.order as { id: string; status: string; total: number }
}

async function getOrder(sys: TestSystem, customerId: string, orderId: string) {
  const res = await sys.json(orderPath(customerId, orderId))
  expect(res.status, JSON.stringify(res.body)).toBe(200)
  return res.body.order
}

async function waitForStatus(sys: TestSystem, customerId: string, orderId: string, status: string) {
  return waitFor(
    async () => {
      const order = await getOrder(sys, customerId, orderId)
      return order.status === status ? order : undefined
    },
    { what: `order ${orderId} to be ${status}` },
  )
}

/** Waits for the payment link and returns its path on this system (links use PUBLIC_URL). */
async function checkoutPath(sys: TestSystem, customerId: string, orderId: string) {
  const link = await waitFor(
    async () => (await getOrder(sys, customerId, orderId)).paymentLink ?? undefined,
    { what: 'payment link' },
  )
  expect(link).toMatch(/^http:\/\/localhost:0\/checkout\/cs_local_\w+$/)
  return new URL(link as string).pathname
}

async function deliverWebhook(sys: TestSystem, event: { payload: string; signature: string }) {
  return sys.json(
    '/api/payments/webhook',
    post(event.payload, { 'stripe-signature': event.signature }),
  )
}

/** The order's checkout session id, once payments has opened it. */
async function sessionOf(sys: TestSystem, customerId: string, orderId: string) {
  return sessionIdIn(await checkoutPath(sys, customerId, orderId))
}

async function pay(sys: TestSystem, customerId: string, orderId: string) {
  const sessionId = await sessionOf(sys, customerId, orderId)
  const res = await deliverWebhook(sys, signedStripeEvent({ orderId, customerId, sessionId }))
  expect(res.status).toBe(200)
}

/** Records every event of a kind published on the system's bus from now on. */
async function recordEvents(sys: TestSystem, event: EventName) {
  const seen: { orderId: string; eventId: string }[] = []
  await sys.adapters.bus.subscribe(
    {
      consumer: `test.record-${event}-${Math.random().toString(36).slice(2)}`,
      event,
      prefetch: 16,
      retryDelaysMs: [],
    },
    async (delivery) => {
      seen.push(JSON.parse(delivery.body))
    },
  )
  return seen
}

/** Polls an order's status until it is `last`, returning each distinct status seen in turn. */
async function statusPath(sys: TestSystem, customerId: string, orderId: string, last: string) {
  const seen: string[] = []
  await waitFor(
    async () => {
      const { status } = await getOrder(sys, customerId, orderId)
      if (seen.at(-1) !== status) seen.push(status)
      return status === last ? true : undefined
    },
    { intervalMs: 10, what: `order ${orderId} to be ${last}` },
  )
  return seen
}

/** Defines the suite; `env` gives the variables that pick the adapters (called per system). */
export function orderFlowSuite(label: string, env: () => Record<string, string>): void {
  describe(`order flow through the public HTTP API (${label})`, () => {
    beforeAll(() => {
      adapterEnv = env
    })

    it('orders, pays by webhook and follows the order to ready, with stock reserved then committed', async () => {
      // One cook, so the order waits as `paid` while another one is on the stove.
      const sys = await start({ KITCHEN_COOK_MS: '300', KITCHEN_CONCURRENCY: '1' })

      const menu = await sys.json('/api/menu')
      expect(menu.status).toBe(200)
      const fries = menu.body.items.find((i: { id: string }) => i.id === 'fries')
      const lemonade = menu.body.items.find((i: { id: string }) => i.id === 'lemonade')
      expect(fries).toEqual({
        id: 'fries',
        name: 'Fries',
        description: expect.any(String),
        priceId: 'price_fries',
        unitAmount: 350,
        currency: 'eur',
        available: 200,
      })
      expect(lemonade).toMatchObject({ unitAmount: 300, currency: 'eur', available: 150 })
      const friesOnHand = await onHand(sys, 'fries')

      const created = await sys.json(
        ordersPath('ann'),
        post({
          items: [
            { id: 'fries', quantity: 2 },
            { id: 'lemonade', quantity: 1 },
            { id: 'fries', quantity: 1 },
          ],
        }),
      )
      expect(created.status).toBe(201)
      const order = created.body.order
      expect(order).toMatchObject({
        customerId: 'ann',
        status: 'pending',
        items: [
          { id: 'fries', name: 'Fries', quantity: 3, priceId: 'price_fries', unitAmount: 350 },
          {
            id: 'lemonade',
            name: 'Lemonade',
            quantity: 1,
            priceId: 'price_lemonade',
            unitAmount: 300,
          },
        ],
        total: 3 * 350 + 300,
        currency: 'eur',
      })
      expect(order.id).toEqual(expect.any(String))
      expect(Date.parse(order.createdAt)).not.toBeNaN()
      expect(created.body.redirectToURL).toBe(`http://localhost:0/orders/ann/${order.id}`)

      // Reserved: no longer available, still on hand.
      expect(await available(sys)).toMatchObject({ fries: 197, lemonade: 149 })
      expect(await onHand(sys, 'fries')).toBe(friesOnHand)

      // The payment link opens a checkout page that shows what is being paid for.
      const checkout = await checkoutPath(sys, 'ann', order.id)
      const page = await sys.fetch(checkout)
      expect(page.status).toBe(200)
      expect(page.headers.get('content-type')).toMatch(/text\/html/)
      const html = await page.text()
      expect(html).toContain('Fries × 3')
      expect(html).toContain('Lemonade × 1')
      expect(html).toContain('€10.50')
      expect(html).toContain('€13.50')
      expect(html).toContain(`${checkout}/pay`)

      // Keep the only cook busy with someone else's order first.
      const busy = await placeOrder(sys, 'bob', [{ id: 'burger', quantity: 1 }])
      await pay(sys, 'bob', busy.id)
      await waitForStatus(sys, 'bob', busy.id, 'preparing')

      const path = statusPath(sys, 'ann', order.id, 'ready')
      await pay(sys, 'ann', order.id)
      expect(await path).toEqual(['pending', 'paid', 'preparing', 'ready'])

      // Committed: on hand went down by what was sold, and it stays unavailable.
      await waitFor(async () =>
        (await onHand(sys, 'fries')) === friesOnHand - 3 ? true : undefined,
      )
      expect(await available(sys)).toMatchObject({ fries: 197, lemonade: 149 })

      const ready = await getOrder(sys, 'ann', order.id)
      expect(ready).toMatchObject({ id: order.id, status: 'ready', total: 1350 })
      expect(ready.updatedAt >= ready.createdAt).toBe(true)
    })

    it('pays by clicking Pay on the local checkout page', async () => {
      const sys = await start({ KITCHEN_COOK_MS: '300' })
      const order = await placeOrder(sys, 'ann', [{ id: 'burger', quantity: 2 }])
      const burgersOnHand = await onHand(sys, 'burger')
      const checkout = await checkoutPath(sys, 'ann', order.id)

      const clicked = await sys.fetch(`${checkout}/pay`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        redirect: 'manual',
      })
      expect(clicked.status).toBe(303)
      expect(clicked.headers.get('location')).toBe(
        `http://localhost:0/orders/ann/${order.id}?checkout=success`,
      )

      const path = await statusPath(sys, 'ann', order.id, 'ready')
      expect(path).toContain('preparing')
      expect(path.at(-1)).toBe('ready')
      expect(path.indexOf('preparing')).toBeLessThan(path.indexOf('ready'))
      await waitFor(async () =>
        (await onHand(sys, 'burger')) === burgersOnHand - 2 ? true : undefined,
      )
      expect((await available(sys)).burger).toBe(98)

      // The session is complete: the page says so, and paying again is refused.
      const after = await sys.fetch(checkout)
      expect(await after.text()).toContain('This checkout is complete')
      const again = await sys.fetch(`${checkout}/pay`, { method: 'POST', redirect: 'manual' })
      expect(again.status).toBe(409)
    })

    it('acts once on three deliveries of the same webhook event', async () => {
      const sys = await start()
      const paid = await recordEvents(sys, 'order.paid')
      const readyEvents = await recordEvents(sys, 'order.ready')
      const order = await placeOrder(sys, 'ann', [{ id: 'brownie', quantity: 4 }])
      const browniesOnHand = await onHand(sys, 'brownie')

      const event = signedStripeEvent({
        orderId: order.id,
        customerId: 'ann',
        id: 'evt_once',
        sessionId: await sessionOf(sys, 'ann', order.id),
      })
      const responses = await Promise.all([1, 2, 3].map(() => deliverWebhook(sys, event)))
      expect(responses.map((r) => r.status)).toEqual([200, 200, 200])

      const path = await statusPath(sys, 'ann', order.id, 'ready')
      expect(path.at(-1)).toBe('ready')
      expect(path).not.toContain('cancelled')
      await waitFor(() => (readyEvents.length > 0 ? true : undefined), { what: 'order.ready' })
      // A redelivery after the order is ready changes nothing either.
      expect((await deliverWebhook(sys, event)).status).toBe(200)

      expect(paid.map((e) => e.orderId)).toEqual([order.id])
      expect(readyEvents.map((e) => e.orderId)).toEqual([order.id])
      // Stock commits in its own consumer, which may finish after the kitchen: wait for it,
      // then make sure it committed once.
      await waitFor(
        async () => ((await onHand(sys, 'brownie')) < browniesOnHand ? true : undefined),
        {
          what: 'the commit',
        },
      )
      expect(await onHand(sys, 'brownie')).toBe(browniesOnHand - 4)
      expect((await available(sys)).brownie).toBe(36)
      expect((await getOrder(sys, 'ann', order.id)).status).toBe('ready')
    })

    it('does not revive a cancelled order when its payment arrives late', async () => {
      const sys = await start()
      const order = await placeOrder(sys, 'ann', [{ id: 'lemonade', quantity: 5 }])
      const lemonadeOnHand = await onHand(sys, 'lemonade')
      expect((await available(sys)).lemonade).toBe(145)

      const cancelled = await sys.json(`${orderPath('ann', order.id)}/cancel`, { method: 'POST' })
      expect(cancelled.status).toBe(200)
      expect(cancelled.body.order).toMatchObject({ id: order.id, status: 'cancelled' })
      await waitFor(async () => ((await available(sys)).lemonade === 150 ? true : undefined))

      await pay(sys, 'ann', order.id)
      // Another order paid after it has gone all the way through, so the late payment was heard.
      const later = await placeOrder(sys, 'bob', [{ id: 'lemonade', quantity: 1 }])
      await pay(sys, 'bob', later.id)
      await waitForStatus(sys, 'bob', later.id, 'ready')
      await waitFor(async () =>
        (await onHand(sys, 'lemonade')) === lemonadeOnHand - 1 ? true : undefined,
      )

      expect(await getOrder(sys, 'ann', order.id)).toMatchObject({ status: 'cancelled' })
      expect(await onHand(sys, 'lemonade')).toBe(lemonadeOnHand - 1)
      expect((await available(sys)).lemonade).toBe(149)
    })

    it('hides an order from another customer, for reading and for cancelling', async () => {
      const sys = await start()
      const order = await placeOrder(sys, 'ann', [{ id: 'fries', quantity: 1 }])

      const read = await sys.json(orderPath('bob', order.id))
      expect(read.status).toBe(404)
      expect(read.body.error).toMatchObject({
        code: 'ORDER_NOT_FOUND',
        message: expect.any(String),
      })

      const cancel = await sys.json(`${orderPath('bob', order.id)}/cancel`, { method: 'POST' })
      expect(cancel.status).toBe(404)
      expect(cancel.body.error.code).toBe('ORDER_NOT_FOUND')

      expect((await sys.json(ordersPath('bob'))).body).toEqual({ orders: [] })
      expect((await getOrder(sys, 'ann', order.id)).status).toBe('pending')
      expect((await available(sys)).fries).toBe(199)
    })

    it('lists a customer’s orders newest first, and only theirs', async () => {
      const sys = await start()
      const first = await placeOrder(sys, 'ann', [{ id: 'fries', quantity: 1 }])
      await placeOrder(sys, 'bob', [{ id: 'fries', quantity: 1 }])
      const second = await placeOrder(sys, 'ann', [{ id: 'burger', quantity: 1 }])
      const third = await placeOrder(sys, 'ann', [{ id: 'lemonade', quantity: 2 }])

      const list = await sys.json(ordersPath('ann'))
      expect(list.status).toBe(200)
      expect(list.body.orders.map((o: { id: string }) => o.id)).toEqual([
        third.id,
        second.id,
        first.id,
      ])
      expect(list.body.orders[0]).toMatchObject({
        customerId: 'ann',
        status: 'pending',
        items: [{ id: 'lemonade', quantity: 2 }],
        total: 600,
      })
      expect((await sys.json(ordersPath('nobody'))).body).toEqual({ orders: [] })
    })

    it('refuses to cancel a paid order with 409 INVALID_TRANSITION', async () => {
      const sys = await start({ KITCHEN_COOK_MS: '300' })
      const order = await placeOrder(sys, 'ann', [{ id: 'veggie-wrap', quantity: 2 }])
      const wrapsOnHand = await onHand(sys, 'veggie-wrap')
      await pay(sys, 'ann', order.id)
      await waitFor(async () => {
        const { status } = await getOrder(sys, 'ann', order.id)
        return status === 'pending' ? undefined : status
      })

      const cancel = await sys.json(`${orderPath('ann', order.id)}/cancel`, { method: 'POST' })
      expect(cancel.status).toBe(409)
      expect(cancel.body.error).toMatchObject({
        code: 'INVALID_TRANSITION',
        message: expect.any(String),
      })

      await waitForStatus(sys, 'ann', order.id, 'ready')
      expect(await onHand(sys, 'veggie-wrap')).toBe(wrapsOnHand - 2)
      expect((await available(sys))['veggie-wrap']).toBe(78)
    })

    it('cancels the order and gives its stock back when the customer cancels at checkout', async () => {
      const sys = await start()
      const order = await placeOrder(sys, 'ann', [{ id: 'brownie', quantity: 10 }])
      const browniesOnHand = await onHand(sys, 'brownie')
      expect((await available(sys)).brownie).toBe(30)
      const checkout = await checkoutPath(sys, 'ann', order.id)

      const clicked = await sys.fetch(`${checkout}/cancel`, { method: 'POST', redirect: 'manual' })
      expect(clicked.status).toBe(303)
      expect(clicked.headers.get('location')).toBe(
        `http://localhost:0/orders/ann/${order.id}?checkout=cancelled`,
      )

      await waitForStatus(sys, 'ann', order.id, 'cancelled')
      await waitFor(async () => ((await available(sys)).brownie === 40 ? true : undefined))
      expect(await onHand(sys, 'brownie')).toBe(browniesOnHand)

      // Pay is no longer offered, and a late click is refused.
      expect(await (await sys.fetch(checkout)).text()).not.toContain(`${checkout}/pay`)
      const late = await sys.fetch(`${checkout}/pay`, { method: 'POST', redirect: 'manual' })
      expect(late.status).toBe(409)
      expect((await getOrder(sys, 'ann', order.id)).status).toBe('cancelled')
    })

    it('makes a cancelled order unpayable: its checkout session expires', async () => {
      const sys = await start()
      const order = await placeOrder(sys, 'ann', [{ id: 'lemonade', quantity: 2 }])
      const checkout = await checkoutPath(sys, 'ann', order.id)
      expect(await (await sys.fetch(checkout)).text()).toContain(`${checkout}/pay`)

      const cancelled = await sys.json(`${orderPath('ann', order.id)}/cancel`, { method: 'POST' })
      expect(cancelled.status).toBe(200)
      // payments consumes order.cancelled and expires the session: Pay is no longer offered,
      // and a late click is refused.
      await waitFor(
        async () =>
          (await (await sys.fetch(checkout)).text()).includes(`${checkout}/pay`) ? undefined : true,
        { what: 'the checkout session to expire' },
      )
      const late = await sys.fetch(`${checkout}/pay`, { method: 'POST', redirect: 'manual' })
      expect(late.status).toBe(409)
      expect((await getOrder(sys, 'ann', order.id)).status).toBe('cancelled')
    })

    it('refunds, once, a payment that arrives after its order was cancelled', async () => {
      const sys = await start()
      const lemonadeBefore = (await available(sys)).lemonade
      const order = await placeOrder(sys, 'ann', [{ id: 'lemonade', quantity: 2 }])
      const sessionId = await sessionOf(sys, 'ann', order.id)
      const cancelled = await sys.json(`${orderPath('ann', order.id)}/cancel`, { method: 'POST' })
      expect(cancelled.status).toBe(200)
      // The customer had paid on Stripe's page as the cancel went through: the payment arrives.
      const paid = signedStripeEvent({ orderId: order.id, customerId: 'ann', sessionId })
      expect((await deliverWebhook(sys, paid)).status).toBe(200)
      const refunded = await waitFor(
        async () => {
          const o = await getOrder(sys, 'ann', order.id)
          return o.refund?.status === 'refunded' ? o : undefined
        },
        { what: 'the late payment to be refunded' },
      )
      expect(refunded.status).toBe('cancelled')
      expect(refunded.refund).toMatchObject({ status: 'refunded' })
      expect(Date.parse(refunded.refund.refundedAt)).not.toBeNaN()
      // Stripe's redelivery, and a second event for the same payment, change nothing.
      expect((await deliverWebhook(sys, paid)).status).toBe(200)
      const again = signedStripeEvent({ orderId: order.id, customerId: 'ann', sessionId })
      expect((await deliverWebhook(sys, again)).status).toBe(200)
      await new Promise((r) => setTimeout(r, 300))
      expect((await getOrder(sys, 'ann', order.id)).refund).toEqual(refunded.refund)
      await waitFor(
        async () => ((await available(sys)).lemonade === lemonadeBefore ? true : undefined),
        {
          what: 'the stock to be given back',
        },
      )
    })

    it('races cancel against pay on 40 orders: none ends cancelled and paid without a refund', async () => {
      const sys = await start({ KITCHEN_COOK_MS: '10' })
      const onHandBefore = await onHand(sys, 'lemonade')
      const ORDERS = 40
      const placed = await Promise.all(
        Array.from({ length: ORDERS }, async (_, i) => {
          const customer = `racer${i}`
          const order = await placeOrder(sys, customer, [{ id: 'lemonade', quantity: 1 }])
          return { customer, order, checkout: await checkoutPath(sys, customer, order.id) }
        }),
      )
      // The customer presses Pay as the cancel goes through (the same turn of the event loop).
      const outcomes = await Promise.all(
        placed.map(async ({ customer, order, checkout }) => {
          const [pay, cancel] = await Promise.all([
            sys.fetch(`${checkout}/pay`, { method: 'POST', redirect: 'manual' }),
            sys.fetch(`${orderPath(customer, order.id)}/cancel`, { method: 'POST' }),
          ])
          return { customer, order, paid: pay.status === 303, cancelled: cancel.status === 200 }
        }),
      )
      // Settled: paid ones cooked, cancelled ones refunded where a payment got through.
      const settled = await waitFor(
        async () => {
          const now = await Promise.all(
            outcomes.map(async (o) => ({
              ...o,
              final: await getOrder(sys, o.customer, o.order.id),
            })),
          )
          const done = now.every(
            ({ paid, final }) =>
              final.status === 'ready' ||
              (final.status === 'cancelled' && (!paid || final.refund?.status === 'refunded')),
          )
          return done ? now : undefined
        },
        { timeoutMs: 30_000, what: 'every raced order to settle' },
      )
      const paidAndCancelled = settled.filter(
        (o) => o.final.status === 'cancelled' && o.paid && o.final.refund?.status !== 'refunded',
      )
      expect(paidAndCancelled).toEqual([])
      // Every accepted payment is either an order cooked or a refund; stock follows the sales.
      const cooked = settled.filter((o) => o.final.status === 'ready').length
      const refunded = settled.filter((o) => o.final.refund?.status === 'refunded').length
      expect(cooked + refunded).toBe(settled.filter((o) => o.paid).length)
      expect(cooked + settled.filter((o) => o.final.status === 'cancelled').length).toBe(ORDERS)
      await waitFor(
        async () => ((await onHand(sys, 'lemonade')) === onHandBefore - cooked ? true : undefined),
        {
          what: 'on hand to go down by the orders cooked',
        },
      )
      expect((await available(sys)).lemonade).toBe(onHandBefore - cooked)
    })

    it('cancels the order on a checkout.session.expired webhook', async () => {
      const sys = await start()
      const order = await placeOrder(sys, 'ann', [{ id: 'burger', quantity: 3 }])
      expect((await available(sys)).burger).toBe(97)

      const res = await deliverWebhook(
        sys,
        signedStripeEvent({
          orderId: order.id,
          customerId: 'ann',
          sessionId: await sessionOf(sys, 'ann', order.id),
          type: 'checkout.session.expired',
          paymentStatus: 'unpaid',
          secret: WEBHOOK_SECRET,
        }),
      )
      expect(res.status).toBe(200)

      await waitForStatus(sys, 'ann', order.id, 'cancelled')
      await waitFor(async () => ((await available(sys)).burger === 100 ? true : undefined))
    })

    it('answers /healthz with 200 while everything is up', async () => {
      const sys = await start()
      const res = await sys.json('/healthz')
      expect(res.status).toBe(200)
      expect(res.body.status).toBe('ok')
    })
  })
}
