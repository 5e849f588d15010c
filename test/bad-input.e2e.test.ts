/**
 * Every malformed request gets the JSON error shape `{"error": {"code", "message", ...}}` with
 * the right status, never a 500, changes nothing (no stock reserved, nothing published), and
 * leaves the system able to take a valid order straight after.
 */
import Stripe from 'stripe'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EventName } from '../shared/events.ts'
import {
  ADMIN_TOKEN,
  post,
  sessionIdIn,
  signedStripeEvent,
  startSystem,
  type TestSystem,
  WEBHOOK_SECRET,
  waitFor,
} from './fixtures.ts'

let sys: TestSystem
beforeEach(async () => {
  sys = await startSystem()
})
afterEach(async () => {
  await sys.stop()
})

const ORDERS = '/api/customers/ann/orders'
const admin = { authorization: `Bearer ${ADMIN_TOKEN}` }

/** What GET /api/menu says can still be ordered of each item. */
async function available(): Promise<Record<string, number>> {
  const { body } = await sys.json('/api/menu')
  return Object.fromEntries(
    (body.items as { id: string; available: number }[]).map((i) => [i.id, i.available]),
  )
}

/** The menu as a client sees it, for "nothing changed" checks. */
async function menu() {
  const res = await sys.json('/api/menu')
  expect(res.status).toBe(200)
  return res.body
}

/** Sends a request and checks the answer is the JSON error shape with this status and code. */
async function expectError(
  path: string,
  init: RequestInit | undefined,
  status: number,
  code: string,
) {
  const res = await sys.fetch(path, init)
  const text = await res.text()
  expect(res.status, text).toBe(status)
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text)
  expect(body).toEqual({
    error: expect.objectContaining({ code, message: expect.any(String) }),
  })
  expect(body.error.message.length).toBeGreaterThan(0)
  return body.error as { code: string; message: string; details?: unknown }
}

/** The system still takes a valid order (and shows it reserved). */
async function expectStillWorks() {
  const before = await available()
  const res = await sys.json(ORDERS, post({ items: [{ id: 'fries', quantity: 1 }] }))
  expect(res.status, JSON.stringify(res.body)).toBe(201)
  expect(res.body.order.status).toBe('pending')
  expect((await available()).fries).toBe((before.fries ?? 0) - 1)
}

/** Records every event of a kind published on the bus from now on. */
async function recordEvents(event: EventName) {
  const seen: unknown[] = []
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

const line = (quantity: unknown, id: unknown = 'fries') => ({ items: [{ id, quantity }] })
const manyLines = Array.from({ length: 21 }, () => ({ id: 'fries', quantity: 1 }))
const distinctLines = Array.from({ length: 21 }, (_, i) => ({ id: `item-${i}`, quantity: 1 }))

describe('POST /api/customers/:customerId/orders with a malformed body', () => {
  it.each<[string, string]>([
    ['body not JSON', 'this is not json'],
    ['truncated JSON', '{"items": [{"id": "fries", "quantity": 1}'],
    ['empty body', ''],
    ['JSON null', 'null'],
    ['a JSON array', '[]'],
    ['a JSON string', '"fries"'],
    ['{}', '{}'],
    ['no items', JSON.stringify({ items: [] })],
    ['items not an array', JSON.stringify({ items: { id: 'fries', quantity: 1 } })],
    ['items a string', JSON.stringify({ items: 'fries' })],
    ['items null', JSON.stringify({ items: null })],
    ['a line that is not an object', JSON.stringify({ items: ['fries'] })],
    ['quantity 0', JSON.stringify(line(0))],
    ['quantity -1', JSON.stringify(line(-1))],
    ['quantity 1.5', JSON.stringify(line(1.5))],
    ['quantity "2"', JSON.stringify(line('2'))],
    ['quantity 1e9', JSON.stringify(line(1e9))],
    ['quantity null', JSON.stringify(line(null))],
    ['quantity missing', JSON.stringify({ items: [{ id: 'fries' }] })],
    ['quantity above the per-line limit', JSON.stringify(line(51))],
    [
      'duplicate lines adding up above the per-line limit',
      JSON.stringify({
        items: [
          { id: 'fries', quantity: 30 },
          { id: 'fries', quantity: 30 },
        ],
      }),
    ],
    ['21 lines of one item', JSON.stringify({ items: manyLines })],
    ['21 distinct lines', JSON.stringify({ items: distinctLines })],
    ['an unknown top-level field', JSON.stringify({ ...line(1), coupon: 'FREE' })],
    [
      'an unknown field in a line',
      JSON.stringify({ items: [{ id: 'fries', quantity: 1, price: 0 }] }),
    ],
    ['item id a number', JSON.stringify(line(1, 42))],
    ['item id an object', JSON.stringify(line(1, { $ne: null }))],
    ['item id empty', JSON.stringify(line(1, ''))],
    ['item id with bad characters', JSON.stringify(line(1, '../fries'))],
    ['item id missing', JSON.stringify({ items: [{ quantity: 1 }] })],
  ])('%s → 400 INVALID_REQUEST, nothing reserved', async (_, body) => {
    const before = await available()
    await expectError(ORDERS, post(body), 400, 'INVALID_REQUEST')
    expect(await available()).toEqual(before)
    expect((await sys.json(ORDERS)).body.orders).toEqual([])
    await expectStillWorks()
  })

  it('names the problem fields in details', async () => {
    const error = await expectError(ORDERS, post(line(0)), 400, 'INVALID_REQUEST')
    expect(error.details).toEqual({
      problems: [{ path: 'items.0.quantity', message: expect.any(String) }],
    })
  })

  it('answers 404 ITEM_NOT_FOUND for an unknown item and reserves none of the order', async () => {
    const before = await available()
    const error = await expectError(
      ORDERS,
      post({
        items: [
          { id: 'fries', quantity: 2 },
          { id: 'caviar', quantity: 1 },
        ],
      }),
      404,
      'ITEM_NOT_FOUND',
    )
    expect(error.message).toContain('caviar')
    expect(error.details).toEqual({ itemIds: ['caviar'] })
    expect(await available()).toEqual(before)
    expect((await sys.json(ORDERS)).body.orders).toEqual([])
    await expectStillWorks()
  })

  it('answers 409 OUT_OF_STOCK with the shortage and reserves none of the order', async () => {
    const before = await available()
    expect(before.brownie).toBe(40)
    const error = await expectError(
      ORDERS,
      post({
        items: [
          { id: 'fries', quantity: 2 },
          { id: 'brownie', quantity: 41 },
        ],
      }),
      409,
      'OUT_OF_STOCK',
    )
    expect(error.details).toEqual({
      shortages: [{ itemId: 'brownie', requested: 41, available: 40 }],
    })
    expect(await available()).toEqual(before)
    expect((await sys.json(ORDERS)).body.orders).toEqual([])
    await expectStillWorks()
  })

  it('answers 413 PAYLOAD_TOO_LARGE for a body over 64 KiB', async () => {
    const before = await available()
    const body = JSON.stringify({ ...line(1), padding: 'x'.repeat(64 * 1024) })
    await expectError(ORDERS, post(body), 413, 'PAYLOAD_TOO_LARGE')
    // Streamed without a Content-Length, too.
    const chunk = new TextEncoder().encode(' '.repeat(1024))
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 65; i++) controller.enqueue(chunk)
        controller.close()
      },
    })
    const init = { ...post(''), body: streamed, duplex: 'half' } as RequestInit
    await expectError(ORDERS, init, 413, 'PAYLOAD_TOO_LARGE')
    expect(await available()).toEqual(before)
    await expectStillWorks()
  })

  it.each([
    ['characters outside letters, digits, - and _', '/api/customers/ann!/orders'],
    ['a space', '/api/customers/ann%20lee/orders'],
    ['a dot', '/api/customers/ann.lee/orders'],
    ['65 characters', `/api/customers/${'a'.repeat(65)}/orders`],
  ])('answers 400 INVALID_REQUEST for a customer id with %s', async (_, path) => {
    const before = await available()
    await expectError(path, post(line(1)), 400, 'INVALID_REQUEST')
    await expectError(path, undefined, 400, 'INVALID_REQUEST')
    expect(await available()).toEqual(before)
    await expectStillWorks()
  })
})

describe('reading orders and unknown routes', () => {
  it('answers 404 ORDER_NOT_FOUND for an unknown order, for reading and cancelling', async () => {
    const path = `${ORDERS}/00000000-0000-4000-8000-000000000000`
    await expectError(path, undefined, 404, 'ORDER_NOT_FOUND')
    await expectError(`${path}/cancel`, { method: 'POST' }, 404, 'ORDER_NOT_FOUND')
    await expectStillWorks()
  })

  it('answers 400 INVALID_REQUEST for an order id that cannot be one', async () => {
    await expectError(`${ORDERS}/${'x'.repeat(65)}`, undefined, 400, 'INVALID_REQUEST')
    await expectStillWorks()
  })

  it.each([
    ['GET', '/api/nope'],
    ['POST', '/api/menu'],
    ['DELETE', ORDERS],
    ['GET', '/api/customers/ann/orders/x/y/z'],
  ])('answers %s %s with a JSON 404', async (method, path) => {
    await expectError(path, { method }, 404, 'NOT_FOUND')
    await expectStillWorks()
  })
})

describe('POST /api/payments/webhook with a bad signature', () => {
  async function pendingOrder() {
    const res = await sys.json(ORDERS, post({ items: [{ id: 'brownie', quantity: 3 }] }))
    expect(res.status).toBe(201)
    return res.body.order.id as string
  }

  const TEN_MINUTES_AGO = () => Math.floor(Date.now() / 1000) - 600

  it.each<[string, (orderId: string) => { payload: string; headers: Record<string, string> }]>([
    [
      'missing',
      (orderId) => {
        const { payload } = signedStripeEvent({ orderId, customerId: 'ann', id: 'evt_bad' })
        return { payload, headers: {} }
      },
    ],
    [
      'empty',
      (orderId) => {
        const { payload } = signedStripeEvent({ orderId, customerId: 'ann', id: 'evt_bad' })
        return { payload, headers: { 'stripe-signature': '' } }
      },
    ],
    [
      'garbage',
      (orderId) => {
        const { payload } = signedStripeEvent({ orderId, customerId: 'ann', id: 'evt_bad' })
        return { payload, headers: { 'stripe-signature': 'not-a-signature' } }
      },
    ],
    [
      'signed with another secret',
      (orderId) => {
        const { payload, signature } = signedStripeEvent({
          orderId,
          customerId: 'ann',
          id: 'evt_bad',
          secret: 'whsec_someone_else',
        })
        return { payload, headers: { 'stripe-signature': signature } }
      },
    ],
    [
      'expired (signed 10 minutes ago)',
      (orderId) => {
        const { payload, signature } = signedStripeEvent({
          orderId,
          customerId: 'ann',
          id: 'evt_bad',
          timestamp: TEN_MINUTES_AGO(),
        })
        return { payload, headers: { 'stripe-signature': signature } }
      },
    ],
    [
      'over a different body',
      (orderId) => {
        const { signature } = signedStripeEvent({ orderId, customerId: 'ann', id: 'evt_bad' })
        const { payload } = signedStripeEvent({
          orderId,
          customerId: 'ann',
          id: 'evt_bad',
          type: 'checkout.session.async_payment_succeeded',
        })
        return { payload, headers: { 'stripe-signature': signature } }
      },
    ],
  ])('%s → 400 INVALID_SIGNATURE and nothing published', async (_, makeRequest) => {
    const orderId = await pendingOrder()
    const paid = await recordEvents('order.paid')
    const cancelled = await recordEvents('order.cancelled')
    const reserved = await available()
    expect(reserved.brownie).toBe(37)

    const { payload, headers } = makeRequest(orderId)
    await expectError('/api/payments/webhook', post(payload, headers), 400, 'INVALID_SIGNATURE')

    expect(paid).toEqual([])
    expect(cancelled).toEqual([])
    const order = await sys.json(`${ORDERS}/${orderId}`)
    expect(order.body.order.status).toBe('pending')
    expect(await available()).toEqual(reserved)

    // The same event, correctly signed, is still acted on: the bad one was not recorded.
    const link = await waitFor(
      async () => (await sys.json(`${ORDERS}/${orderId}`)).body.order.paymentLink || undefined,
    )
    const good = signedStripeEvent({
      orderId,
      customerId: 'ann',
      id: 'evt_bad',
      sessionId: sessionIdIn(link),
    })
    const res = await sys.json(
      '/api/payments/webhook',
      post(good.payload, { 'stripe-signature': good.signature }),
    )
    expect(res.status).toBe(200)
    await waitFor(async () => {
      const { body } = await sys.json(`${ORDERS}/${orderId}`)
      return body.order.status === 'pending' ? undefined : true
    })
    expect(paid).toHaveLength(1)
    await expectStillWorks()
  })

  it('answers 400 for a correctly signed body that is not a Stripe event', async () => {
    const orderId = await pendingOrder()
    const paid = await recordEvents('order.paid')
    const payload = 'not json'
    const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET })
    await expectError(
      '/api/payments/webhook',
      post(payload, { 'stripe-signature': signature }),
      400,
      'INVALID_REQUEST',
    )
    expect(paid).toEqual([])
    expect((await sys.json(`${ORDERS}/${orderId}`)).body.order.status).toBe('pending')
    await expectStillWorks()
  })
})

describe('admin routes with bad input', () => {
  const validItem = {
    name: 'Cookie',
    description: 'Oat and raisin',
    priceId: 'price_cookie',
    unitAmount: 250,
    currency: 'eur',
  }
  const put = (body: unknown, headers: Record<string, string> = admin): RequestInit => ({
    ...post(body, headers),
    method: 'PUT',
  })

  it.each<[string, unknown]>([
    ['unitAmount negative', { ...validItem, unitAmount: -1 }],
    ['unitAmount a string', { ...validItem, unitAmount: '250' }],
    ['unitAmount fractional', { ...validItem, unitAmount: 2.5 }],
    ["currency 'euro'", { ...validItem, currency: 'euro' }],
    ['currency missing', { ...validItem, currency: undefined }],
    ['name empty', { ...validItem, name: '' }],
    ['priceId missing', { ...validItem, priceId: undefined }],
    ['an unknown field', { ...validItem, stock: 10 }],
    ['an id in the body', { ...validItem, id: 'other' }],
    ['body not JSON', 'cookie please'],
    ['empty body', ''],
  ])('PUT /api/admin/menu/:itemId with %s → 400, menu unchanged', async (_, body) => {
    const before = await menu()
    await expectError('/api/admin/menu/cookie', put(body), 400, 'INVALID_REQUEST')
    await expectError('/api/admin/menu/fries', put(body), 400, 'INVALID_REQUEST')
    expect(await menu()).toEqual(before)
    await expectStillWorks()
  })

  it('PUT /api/admin/menu/:itemId with a bad item id → 400', async () => {
    await expectError('/api/admin/menu/bad.id', put(validItem), 400, 'INVALID_REQUEST')
    await expectStillWorks()
  })

  it.each<[string, unknown]>([
    ['quantity -1', { quantity: -1 }],
    ['quantity 1.5', { quantity: 1.5 }],
    ['quantity "5"', { quantity: '5' }],
    ['quantity null', { quantity: null }],
    ['quantity missing', {}],
    ['quantity far too large', { quantity: 1e12 }],
    ['an unknown field', { quantity: 5, reserved: 0 }],
    ['body not JSON', 'five'],
  ])('PUT /api/admin/stock/:itemId with %s → 400, stock unchanged', async (_, body) => {
    const before = await available()
    await expectError('/api/admin/stock/fries', put(body), 400, 'INVALID_REQUEST')
    expect(await available()).toEqual(before)
    await expectStillWorks()
  })

  it('PUT /api/admin/stock below what open orders hold → 400, stock unchanged', async () => {
    const order = await sys.json(ORDERS, post({ items: [{ id: 'brownie', quantity: 5 }] }))
    expect(order.status).toBe(201)
    await expectError('/api/admin/stock/brownie', put({ quantity: 4 }), 400, 'INVALID_REQUEST')
    expect((await available()).brownie).toBe(35)
    await expectStillWorks()
  })

  it('answers 404 ITEM_NOT_FOUND for stock or deletion of an item not on the menu', async () => {
    await expectError('/api/admin/stock/caviar', put({ quantity: 5 }), 404, 'ITEM_NOT_FOUND')
    await expectError(
      '/api/admin/menu/caviar',
      { method: 'DELETE', headers: admin },
      404,
      'ITEM_NOT_FOUND',
    )
    await expectStillWorks()
  })

  it.each<[string, Record<string, string>]>([
    ['no token', {}],
    ['a wrong token', { authorization: 'Bearer not-the-admin-token' }],
    ['the token without Bearer', { authorization: ADMIN_TOKEN }],
    ['a Basic header', { authorization: `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}` }],
  ])('answers 401 UNAUTHORIZED to admin routes with %s, changing nothing', async (_, headers) => {
    const before = await menu()
    await expectError('/api/admin/menu/cookie', put(validItem, headers), 401, 'UNAUTHORIZED')
    await expectError('/api/admin/stock/fries', put({ quantity: 0 }, headers), 401, 'UNAUTHORIZED')
    await expectError('/api/admin/menu/fries', { method: 'DELETE', headers }, 401, 'UNAUTHORIZED')
    // A bad body does not reveal anything before the token is checked.
    await expectError('/api/admin/stock/fries', put('nope', headers), 401, 'UNAUTHORIZED')
    expect(await menu()).toEqual(before)
    await expectStillWorks()
  })
})
