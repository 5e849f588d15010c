/**
 * Store commands per order, counted on the wire: orders, menu and stock in one process on
 * MongoDB (FerretDB), every command they send through a counting proxy. Placing a one-line
 * order — reserve, store the order, announce it (the outbox) — takes four: the hold
 * (findAndModify on the item), the reservation (insert), the order with order.created
 * (insert) and the clear of that event (update); plus the removal of the hold's mark, one
 * write per item shared by every order that finished in the same turn. Nothing scans: no
 * find but the menu's lookups by id.
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
      select: ['orders', 'menu', 'stock'],
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
  /** Once every order's event is cleared (the relay works after the answer). */
  const settled = (orders: number) =>
    waitFor(async () => (count('update orders.orders') >= orders ? true : undefined), {
      what: 'every order.created to be cleared',
    })
  /** The sweeps' reads (their first rounds may fall in a test): not the create path's. */
  const sweep = new Set(['find stock.items', 'find stock.reservations', 'find orders.orders'])
  const perOrder = (orders: number) =>
    Object.fromEntries(
      [...proxy.counts()].filter(([k]) => !sweep.has(k)).map(([k, v]) => [k, v / orders]),
    )

  it('places a one-line order with four store commands and one mark removal', async () => {
    await place('warm-up')
    await new Promise((resolve) => setTimeout(resolve, 200))
    proxy.reset()
    const orders = 10
    for (let i = 0; i < orders; i++) await place(`one-by-one-${i}`)
    await settled(orders)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(perOrder(orders)).toEqual({
      // The menu's lookup of the item, by id.
      'find menu.items': 1,
      // Reserve: the hold, then the reservation; the mark's removal (alone, one by one).
      'findAndModify stock.items': 2,
      'insert stock.reservations': 1,
      // The order with order.created, then the event's clear once published.
      'insert orders.orders': 1,
      'update orders.orders': 1,
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
    const create = Object.entries(counts)
      .filter(([k]) => k !== 'find menu.items')
      .reduce((n, [, v]) => n + v, 0)
    expect(create).toBeLessThan(4.5)
  })
})
