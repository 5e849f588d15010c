/**
 * Store commands per order, counted on the wire: orders, menu, stock and payments in one
 * process on MongoDB (FerretDB), every command they send through a counting proxy.
 *
 * Placing a one-line order — reserve, store the order, announce it (the outbox) — takes four:
 * the hold (findAndModify on the item), the reservation (insert), the order with order.created
 * (insert) and the clear of that event (update); plus the removal of the hold's mark, one write
 * per item shared by every order that finished in the same turn. The menu's lookup of the item
 * is served from the menu process's cache. Opening its checkout takes two: payments' session
 * (insert) and the order's payment link (findAndModify); the consumer, idempotent by itself,
 * keeps no handled mark. Paying it takes thirteen (one line), listed in the last test: twelve,
 * and the clear of order.status-changed, which the move to paid stores for the live views. Nothing scans: every command is addressed by _id or an index.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CreateOrderResponse } from '../proto/gen/oms.ts'
import { startSystem, type TestSystem, waitFor } from './fixtures.ts'
import { type CountingProxy, startCountingMongoProxy } from './servers/counting-mongo-proxy.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'

const missing = mongoUnavailable()

describe.skipIf(Boolean(missing))('store commands per order (MongoDB wire, counted)', () => {
  let server: MongoServer
  let proxy: CountingProxy
  let sys: TestSystem

  beforeAll(async () => {
    server = await startMongoServer()
    const uri = new URL(server.uri('commands'))
    proxy = await startCountingMongoProxy({ host: uri.hostname, port: Number(uri.port) })
    uri.host = `127.0.0.1:${proxy.port}`
    sys = await startSystem({
      select: ['orders', 'menu', 'stock', 'payments', 'gateway'],
      env: {
        MONGODB_URI: uri.toString(),
        // Only the create path is counted: the sweeps and the outbox's poll stay quiet.
        ORDER_SWEEP_INTERVAL: '24h',
        STOCK_SWEEP_INTERVAL: '24h',
        OUTBOX_POLL_MS: '3600000',
      },
    })
  }, 60_000)
  afterAll(async () => {
    await sys?.stop()
    await proxy?.close()
    await server?.close()
  })

  const place = async (customerId: string) =>
    (
      (await sys.runtime.invoke('orders.create-order', {
        customerId,
        items: [{ id: 'fries', quantity: 1 }],
      })) as CreateOrderResponse
    ).order!
  const count = (command: string) => proxy.counts().get(command) ?? 0
  /** Once every order's event is cleared and its checkout is open (the link on the order). */
  const settled = (orders: number) =>
    waitFor(
      async () =>
        count('update orders.orders') >= orders && count('findAndModify orders.orders') >= orders
          ? true
          : undefined,
      { what: "every order.created to be cleared and every order's payment link stored" },
    )
  /** The sweeps' reads (their first rounds may fall in a test): not the create path's. */
  const sweep = new Set(['find stock.items', 'find stock.reservations', 'find orders.orders'])
  const perOrder = (orders: number) =>
    Object.fromEntries(
      [...proxy.counts()].filter(([k]) => !sweep.has(k)).map(([k, v]) => [k, v / orders]),
    )

  it('places a one-line order with four store commands and one mark removal, and opens its checkout with two', async () => {
    await place('warm-up')
    await new Promise((resolve) => setTimeout(resolve, 200))
    proxy.reset()
    const orders = 10
    for (let i = 0; i < orders; i++) await place(`one-by-one-${i}`)
    await settled(orders)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const counts = perOrder(orders)
    // The menu's lookup of the item: read at most once a second (its cache's age), by id.
    expect(counts['find menu.items'] ?? 0).toBeLessThanOrEqual(0.2)
    delete counts['find menu.items']
    expect(counts).toEqual({
      // Reserve: the hold, then the reservation; the mark's removal (alone, one by one).
      'findAndModify stock.items': 2,
      'insert stock.reservations': 1,
      // The order with order.created, then the event's clear once published.
      'insert orders.orders': 1,
      'update orders.orders': 1,
      // The checkout: payments' session and the link on the order (its consumer is
      // idempotent by itself: no handled mark).
      'insert payments.checkout_sessions': 1,
      'findAndModify orders.orders': 1,
    })
  })

  it('shares the removal of marks between orders placed at once', async () => {
    proxy.reset()
    const orders = 40
    await Promise.all(Array.from({ length: orders }, (_, i) => place(`at-once-${i}`)))
    await settled(orders)
    await new Promise((resolve) => setTimeout(resolve, 100))
    const counts = perOrder(orders)
    expect(counts['insert stock.reservations']).toBe(1)
    expect(counts['insert orders.orders']).toBe(1)
    expect(counts['update orders.orders']).toBe(1)
    // One hold each, and the marks' removals shared: fewer than one per order.
    expect(counts['findAndModify stock.items']).toBeGreaterThanOrEqual(1)
    expect(counts['findAndModify stock.items']).toBeLessThan(1.5)
    // Reserve, store and announce: at most 4 commands and a share of a mark removal.
    const checkout = ['insert payments.checkout_sessions', 'findAndModify orders.orders']
    const create = Object.entries(counts)
      .filter(([k]) => k !== 'find menu.items' && !checkout.includes(k))
      .reduce((n, [, v]) => n + v, 0)
    expect(create).toBeLessThan(4.5)
    for (const k of checkout) expect(counts[k], k).toBe(1)
    expect(counts['find menu.items'] ?? 0).toBeLessThanOrEqual(0.1)
  })

  it('pays an order with thirteen: the webhook, its event, the order and its event, the commit of its stock', async () => {
    const orders = 5
    const placed = []
    proxy.reset()
    for (let i = 0; i < orders; i++) placed.push(await place(`paying-${i}`))
    await settled(orders)
    const links = await Promise.all(
      placed.map(
        async (o) =>
          (await sys.runtime.invoke('orders.get-order', { orderId: o.id })) as {
            order: { paymentLink: string }
          },
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, 100))
    proxy.reset()
    for (const { order } of links) {
      const res = await sys.fetch(`${new URL(order.paymentLink).pathname}/pay`, {
        method: 'POST',
        redirect: 'manual',
      })
      expect(res.status).toBe(303)
    }
    // Paid, and its stock committed (reservation final, marks removed).
    await waitFor(
      async () => (count('findAndModify stock.reservations') >= 2 * orders ? true : undefined),
      { what: 'every reservation committed' },
    )
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(perOrder(orders)).toEqual({
      // The local checkout's page reads the session by the id in its link; the webhook
      // checks the session recorded for the order; the checkout then records the outcome.
      'find payments.checkout_sessions': 2,
      'findAndModify payments.checkout_sessions': 1,
      // The webhook's mark with order.paid (one write), then the event's clear.
      'insert payments.webhook_events': 1,
      'update payments.webhook_events': 1,
      // orders: pending → paid (one guarded write, with order.status-changed), then the
      // event's clear.
      'findAndModify orders.orders': 1,
      'update orders.orders': 1,
      // stock: the reservation to committing, the line's commit, its mark's removal, committed.
      'findAndModify stock.reservations': 2,
      'findAndModify stock.items': 2,
      // The handled marks of orders' and stock's order.paid consumers.
      'insert runtime.handled_events': 2,
    })
  })
})
