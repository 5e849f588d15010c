import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import { type Adapters, createAdapters } from '../../runtime/adapters/create-adapters.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../../runtime/host.ts'
import type { Bus } from '../../runtime/ports/bus.ts'
import {
  type CollectionSpec,
  type Doc,
  StoreUnavailableError,
} from '../../runtime/ports/documents.ts'
import { DomainError } from '../../shared/errors.ts'
import type { EventBody } from '../../shared/events.ts'
import {
  dataOf,
  silentLogger,
  startSystem,
  testConfig,
  testEnv,
  waitFor,
} from '../../test/fixtures.ts'
import { stock } from '../stock/domain.ts'
import { orders } from './domain.ts'

type Line = { id: string; quantity: number }

let runtime: Runtime
let created: EventBody<'order.created'>[]

async function host(adapters?: Adapters) {
  runtime = await createRuntime({
    env: testEnv(),
    functions: await loadFunctions(['orders', 'menu', 'stock']),
    adapters,
    log: silentLogger,
    listen: false,
  })
  created = await record(runtime.adapters.bus)
}
afterEach(() => runtime.stop())

/** Every order.created published from now on, through a queue of the test's own. */
async function record(bus: Bus) {
  const seen: EventBody<'order.created'>[] = []
  await bus.subscribe(
    { consumer: 'test.order-created', event: 'order.created', prefetch: 16, retryDelaysMs: [] },
    async (d) => void seen.push(JSON.parse(d.body)),
  )
  return seen
}

async function createOrder(items: Line[], customerId = 'ann'): Promise<Order> {
  const { order } = (await runtime.invoke('orders.create-order', {
    customerId,
    items,
  })) as CreateOrderResponse
  return order!
}

async function reserved() {
  const levels = await dataOf(stock, runtime.adapters.store).levels()
  return Object.fromEntries(levels.map((l) => [l.itemId, l.reserved]))
}

const noneReserved = { burger: 0, 'veggie-wrap': 0, fries: 0, lemonade: 0, brownie: 0 }

describe('orders.create-order', () => {
  beforeEach(() => host())

  it('merges duplicate lines, prices them from the menu and stores the order pending', async () => {
    const order = await createOrder([
      { id: 'fries', quantity: 2 },
      { id: 'lemonade', quantity: 1 },
      { id: 'fries', quantity: 1 },
    ])
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
      paymentLink: '',
    })
    expect(order.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Date.parse(order.createdAt)).not.toBeNaN()
    expect(order.updatedAt).toBe(order.createdAt)
    expect(await dataOf(orders, runtime.adapters.store).get(order.id)).toEqual(order)
  })

  it('reserves the merged quantities', async () => {
    await createOrder([
      { id: 'fries', quantity: 2 },
      { id: 'burger', quantity: 1 },
      { id: 'fries', quantity: 2 },
    ])
    expect(await reserved()).toEqual({ ...noneReserved, fries: 4, burger: 1 })
  })

  it('publishes order.created with the lines, total and currency', async () => {
    const order = await createOrder([{ id: 'burger', quantity: 2 }], 'bob')
    await waitFor(() => (created.length > 0 ? true : undefined))
    expect(created).toEqual([
      {
        eventId: `${order.id}:created`,
        orderId: order.id,
        customerId: 'bob',
        occurredAt: order.createdAt,
        items: order.items,
        total: 1900,
        currency: 'eur',
        expiresAt: order.expiresAt,
      },
    ])
    // ORDER_PAYMENT_TIMEOUT (30 minutes by default) after the order was placed.
    expect(Date.parse(order.expiresAt) - Date.parse(order.createdAt)).toBe(30 * 60_000)
  })

  it('keeps the price it was ordered at when the menu changes later', async () => {
    const order = await createOrder([{ id: 'burger', quantity: 1 }])
    await runtime.invoke('menu.upsert-item', {
      item: {
        id: 'burger',
        name: 'Classic burger',
        description: '',
        priceId: 'price_burger_v2',
        unitAmount: 1200,
        currency: 'eur',
      },
    })
    expect(await dataOf(orders, runtime.adapters.store).get(order.id)).toMatchObject({
      total: 950,
      items: [{ unitAmount: 950, priceId: 'price_burger' }],
    })
  })

  it('answers ITEM_NOT_FOUND for an item not on the menu, reserving and storing nothing', async () => {
    await expect(
      createOrder([
        { id: 'fries', quantity: 1 },
        { id: 'caviar', quantity: 1 },
      ]),
    ).rejects.toMatchObject({ code: 'ITEM_NOT_FOUND', details: { itemIds: ['caviar'] } })
    expect(await reserved()).toEqual(noneReserved)
    expect(await dataOf(orders, runtime.adapters.store).listByCustomer('ann')).toEqual([])
    expect(created).toEqual([])
  })

  it('answers OUT_OF_STOCK when a line is short, storing no order and reserving nothing', async () => {
    await expect(
      createOrder([
        { id: 'burger', quantity: 2 },
        { id: 'brownie', quantity: 30 },
        { id: 'brownie', quantity: 15 },
      ]),
    ).rejects.toMatchObject({
      code: 'OUT_OF_STOCK',
      details: { shortages: [{ itemId: 'brownie', requested: 45, available: 40 }] },
    })
    expect(await reserved()).toEqual(noneReserved)
    expect(await dataOf(orders, runtime.adapters.store).listByCustomer('ann')).toEqual([])
    expect(created).toEqual([])
  })

  it('refuses items priced in different currencies', async () => {
    await runtime.invoke('menu.upsert-item', {
      item: {
        id: 'cola',
        name: 'Cola',
        description: '',
        priceId: 'price_cola',
        unitAmount: 250,
        currency: 'usd',
      },
    })
    await dataOf(stock, runtime.adapters.store).setOnHand('cola', 10)
    await expect(
      createOrder([
        { id: 'cola', quantity: 1 },
        { id: 'fries', quantity: 1 },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(await reserved()).toMatchObject({ cola: 0, fries: 0 })
  })

  it.each([
    ['no lines', 'ann', []],
    ['a zero quantity', 'ann', [{ id: 'fries', quantity: 0 }]],
    ['a fractional quantity', 'ann', [{ id: 'fries', quantity: 1.5 }]],
    [
      'more than 50 of an item once merged',
      'ann',
      [
        { id: 'fries', quantity: 30 },
        { id: 'fries', quantity: 21 },
      ],
    ],
    [
      'more than 20 lines',
      'ann',
      Array.from({ length: 21 }, (_, i) => ({ id: `i${i}`, quantity: 1 })),
    ],
    ['an empty customer id', '', [{ id: 'fries', quantity: 1 }]],
    ['a customer id with a slash', 'a/b', [{ id: 'fries', quantity: 1 }]],
  ])('refuses an order with %s as INVALID_REQUEST', async (_what, customerId, items) => {
    await expect(createOrder(items as Line[], customerId)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
    expect(await reserved()).toEqual(noneReserved)
  })
})

describe('orders.create-order while the broker refuses publishes', () => {
  let refusing = true
  beforeEach(async () => {
    refusing = true
    const adapters = await createAdapters(testConfig(), silentLogger)
    const flakyBus: Bus = {
      ...adapters.bus,
      async publishRaw(event, body, headers, messageId) {
        if (refusing) throw new Error('broker unreachable')
        return adapters.bus.publishRaw(event, body, headers, messageId)
      },
    }
    await host({ ...adapters, bus: flakyBus })
  })

  it('places the order, and publishes order.created once the broker is back', async () => {
    const order = await createOrder([{ id: 'burger', quantity: 3 }])
    expect(order.status).toBe('pending')
    expect(await reserved()).toMatchObject({ burger: 3 })
    await expect(runtime.outbox.drain()).rejects.toThrow(/broker unreachable/)
    expect(created).toEqual([])
    refusing = false
    await waitFor(() => created[0])
    expect(created[0]).toMatchObject({ orderId: order.id, eventId: `${order.id}:created` })
  })
})

describe('orders.create-order when the order cannot be stored', () => {
  beforeEach(async () => {
    const adapters = await createAdapters(testConfig(), silentLogger)
    const { store } = adapters
    const brokenOrders: typeof store = {
      ...store,
      collection: <D extends Doc>(namespace: string, spec: CollectionSpec) => {
        const c = store.collection<D>(namespace, spec)
        if (namespace !== 'orders') return c
        return {
          ...c,
          insert: async () => Promise.reject(new StoreUnavailableError('store unreachable')),
        }
      },
    }
    await host({ ...adapters, store: brokenOrders })
  })

  it('fails as the store does (callers see UNAVAILABLE) and publishes nothing; the units stay held until stock sweeps the orderless reservation', async () => {
    await expect(createOrder([{ id: 'burger', quantity: 3 }])).rejects.toThrow(
      StoreUnavailableError,
    )
    // Whether the write applied is unknown: the units stay held as for an unpaid order.
    expect(await reserved()).toEqual({ ...noneReserved, burger: 3 })
    await runtime.outbox.drain()
    expect(created).toEqual([])
    const [orphan] = await dataOf(stock, runtime.adapters.store).openExpired(
      Date.now() + 86_400_000,
    )
    await runtime.invoke('stock.release-stock', { orderId: orphan })
    expect(await reserved()).toEqual(noneReserved)
  })
})

describe('orders.create-order when the reservation fails midway', () => {
  let cancelled: EventBody<'order.cancelled'>[]
  beforeEach(async () => {
    const adapters = await createAdapters(testConfig(), silentLogger)
    await host(adapters)
    cancelled = []
    await adapters.bus.subscribe(
      { consumer: 'test.cancelled', event: 'order.cancelled', prefetch: 16, retryDelaysMs: [] },
      async (d) => void cancelled.push(JSON.parse(d.body)),
    )
    // Stock answers as if it went away after holding the units (its answer lost).
    const ctx = runtime.contextOf('orders.create-order') as unknown as {
      clients: { stock: { reserveStock(r: unknown): Promise<unknown> } }
    }
    const reserve = ctx.clients.stock.reserveStock.bind(ctx.clients.stock)
    ctx.clients.stock.reserveStock = async (request) => {
      await reserve(request)
      throw new DomainError('UNAVAILABLE', 'stock went away')
    }
  })

  it('stores no order and publishes nothing; the reservation expires with the order it was for', async () => {
    await expect(createOrder([{ id: 'burger', quantity: 2 }])).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    expect(await dataOf(orders, runtime.adapters.store).listByCustomer('ann')).toEqual([])
    await runtime.outbox.drain()
    expect(created).toEqual([])
    expect(cancelled).toEqual([])
    // Held as for an unpaid order: stock's sweep finds it once its payment expiry has passed.
    const stockData = dataOf(stock, runtime.adapters.store)
    expect(await reserved()).toEqual({ ...noneReserved, burger: 2 })
    expect(await stockData.openExpired(Date.now())).toEqual([])
    expect(await stockData.openExpired(Date.now() + 1_800_001)).toHaveLength(1)
  })
})

describe('orders.create-order with payments listening', () => {
  it('gets a payment link once payments has heard order.created', async () => {
    const sys = await startSystem({ select: ['orders', 'menu', 'stock', 'payments'] })
    try {
      const { order } = (await sys.runtime.invoke('orders.create-order', {
        customerId: 'ann',
        items: [{ id: 'fries', quantity: 1 }],
      })) as CreateOrderResponse
      const link = await waitFor(
        async () =>
          (await dataOf(orders, sys.adapters.store).get(order!.id))?.paymentLink || undefined,
        { what: 'payment link' },
      )
      expect(link).toMatch(/\/checkout\/cs_local_\w+$/)
    } finally {
      await sys.stop()
    }
  })
})

describe('orders.create-order with an idempotency key', () => {
  beforeEach(() => host())

  const place = (items: Line[], idempotencyKey: string, customerId = 'ann') =>
    runtime.invoke('orders.create-order', {
      customerId,
      items,
      idempotencyKey,
    }) as Promise<CreateOrderResponse>
  const stored = () => dataOf(orders, runtime.adapters.store).listByCustomer('ann')

  it('answers a retry with the same key and items with the same order, placing one', async () => {
    const first = await place([{ id: 'burger', quantity: 2 }], 'k-1')
    const again = await place([{ id: 'burger', quantity: 2 }], 'k-1')
    expect(again).toEqual(first)
    expect(await stored()).toHaveLength(1)
    expect(await reserved()).toEqual({ ...noneReserved, burger: 2 })
    await runtime.outbox.drain()
    await waitFor(() => created[0])
    expect(created.map((e) => e.orderId)).toEqual([first.order!.id])
  })

  it('answers the order as it was placed, even after it changed', async () => {
    const first = await place([{ id: 'fries', quantity: 1 }], 'k-1')
    await runtime.invoke('orders.update-order', {
      orderId: first.order!.id,
      paymentLink: 'http://localhost:0/checkout/cs_1',
    })
    expect(await place([{ id: 'fries', quantity: 1 }], 'k-1')).toEqual(first)
  })

  it('refuses the key with other items (IDEMPOTENCY_KEY_REUSED, HTTP 422), placing nothing more', async () => {
    await place([{ id: 'burger', quantity: 2 }], 'k-1')
    const err = await place([{ id: 'burger', quantity: 3 }], 'k-1').catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'IDEMPOTENCY_KEY_REUSED', httpStatus: 422 })
    expect(await stored()).toHaveLength(1)
    expect(await reserved()).toEqual({ ...noneReserved, burger: 2 })
  })

  it('places one order of two racing creates with one key, both answered with it', async () => {
    const items = [{ id: 'lemonade', quantity: 1 }]
    const [a, b] = await Promise.all([place(items, 'race'), place(items, 'race')])
    expect(b).toEqual(a)
    expect(await stored()).toHaveLength(1)
    expect(await reserved()).toEqual({ ...noneReserved, lemonade: 1 })
    expect(await place(items, 'race')).toEqual(a)
  })

  it('refuses a racing create with the key and other items, placing the first only', async () => {
    const results = await Promise.allSettled([
      place([{ id: 'lemonade', quantity: 1 }], 'race'),
      place([{ id: 'lemonade', quantity: 2 }], 'race'),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const refused = results.filter((r) => r.status === 'rejected')
    expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(['IDEMPOTENCY_KEY_REUSED'])
    expect(await stored()).toHaveLength(1)
    const [order] = await stored()
    expect((await reserved()).lemonade).toBe(order!.items[0]!.quantity)
  })

  it("keeps one customer's key apart from another's", async () => {
    const ann = await place([{ id: 'fries', quantity: 1 }], 'same')
    const bob = await place([{ id: 'fries', quantity: 1 }], 'same', 'bob')
    expect(bob.order!.id).not.toBe(ann.order!.id)
    expect(await reserved()).toEqual({ ...noneReserved, fries: 2 })
  })

  it('answers the order of a key however long ago it was placed (keys last as the order does)', async () => {
    const first = await place([{ id: 'fries', quantity: 1 }], 'old')
    await runtime.invoke('orders.cancel-order', { orderId: first.order!.id, customerId: 'ann' })
    expect(await place([{ id: 'fries', quantity: 1 }], 'old')).toEqual(first)
    expect(await stored()).toHaveLength(1)
  })

  it('stores the order a first try reserved and could not store, on the retry with its key', async () => {
    const ctx = runtime.contextOf('orders.create-order') as unknown as {
      data: { insert(...args: unknown[]): Promise<boolean> }
    }
    const insert = ctx.data.insert.bind(ctx.data)
    ctx.data.insert = async () => {
      ctx.data.insert = insert
      throw new StoreUnavailableError('store unreachable')
    }
    await expect(place([{ id: 'burger', quantity: 2 }], 'k-1')).rejects.toThrow(
      StoreUnavailableError,
    )
    expect(await reserved()).toEqual({ ...noneReserved, burger: 2 })
    const { order } = await place([{ id: 'burger', quantity: 2 }], 'k-1')
    expect(order).toMatchObject({ status: 'pending' })
    expect(await stored()).toHaveLength(1)
    expect(await reserved()).toEqual({ ...noneReserved, burger: 2 })
  })

  it('places the order on a retry with the key after a try that placed nothing', async () => {
    const tooMany = [
      { id: 'brownie', quantity: 30 },
      { id: 'brownie', quantity: 15 },
    ]
    await expect(place(tooMany, 'k-1')).rejects.toMatchObject({ code: 'OUT_OF_STOCK' })
    expect(await stored()).toEqual([])
    const ctx = runtime.contextOf('orders.create-order') as unknown as {
      clients: { stock: { reserveStock(r: unknown): Promise<unknown> } }
    }
    const reserve = ctx.clients.stock.reserveStock.bind(ctx.clients.stock)
    ctx.clients.stock.reserveStock = async () => {
      ctx.clients.stock.reserveStock = reserve
      throw new DomainError('UNAVAILABLE', 'stock went away')
    }
    await expect(place([{ id: 'burger', quantity: 2 }], 'k-2')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    const { order } = await place([{ id: 'burger', quantity: 2 }], 'k-2')
    expect(order).toMatchObject({ status: 'pending' })
    expect((await stored()).map((o) => o.status)).toEqual(['pending'])
    expect(await reserved()).toEqual({ ...noneReserved, burger: 2 })
  })

  it.each([
    ['empty', ''.padEnd(0)],
    ['too long', 'k'.repeat(256)],
    ['not printable', 'tab\there'],
  ])('refuses a key that is %s (INVALID_REQUEST)', async (what, key) => {
    // An empty key is no key at all over gRPC; sent, it places an order without one.
    if (what === 'empty') {
      await expect(place([{ id: 'fries', quantity: 1 }], key)).resolves.toBeDefined()
      return
    }
    await expect(place([{ id: 'fries', quantity: 1 }], key)).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    })
    expect(await stored()).toEqual([])
  })
})
