/**
 * The order flow through the public HTTP API with every domain's data in MongoDB (FerretDB
 * started here, or MONGODB_URI), each system in a fresh database — also with RabbitMQ when it
 * answers; and a restart: orders placed, the functions stopped and started again on the same
 * database, the orders and their reservations still there and the flow carrying on.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { stock } from '../functions/stock/domain.ts'
import {
  dataOf,
  post,
  sessionIdIn,
  signedStripeEvent,
  startSystem,
  type TestSystem,
  waitFor,
} from './fixtures.ts'
import { orderFlowSuite } from './order-flow.suite.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'
import { deleteNamespaces, rabbitAvailable, rabbitEnv, testNamespace } from './servers/rabbitmq.ts'

const withRabbit = await rabbitAvailable()

describe.skipIf(mongoUnavailable())('MongoDB store end to end', () => {
  let server: MongoServer
  const namespaces: string[] = []
  beforeAll(async () => {
    server = await startMongoServer()
  })
  afterAll(async () => {
    await deleteNamespaces(namespaces)
    await server?.close()
  })

  // Stock commits a paid order in its own consumer, retrying until orders has recorded the
  // payment, and the kitchen cooks in parallel. A suite test reads stock as soon as the order
  // is ready, so give the commit a head start (a longer cook) and a longer retry ladder, as
  // each step on a real server takes milliseconds rather than microseconds.
  const slower = { RETRY_DELAYS_MS: '50,100,200,400,800,1600', KITCHEN_COOK_MS: '300' }
  orderFlowSuite('MongoDB', () => ({ MONGODB_URI: server.uri('flow'), ...slower }))
  if (withRabbit) {
    orderFlowSuite('MongoDB and RabbitMQ', () => {
      const ns = testNamespace()
      namespaces.push(ns)
      return { MONGODB_URI: server.uri('flow'), ...rabbitEnv(ns), ...slower }
    })
  }

  describe('restart of the functions', () => {
    const systems: TestSystem[] = []
    afterEach(async () => {
      for (const s of systems.splice(0)) await s.stop()
    })
    const start = async (env: Record<string, string>) => {
      const sys = await startSystem({ env })
      systems.push(sys)
      return sys
    }

    async function order(sys: TestSystem, items: { id: string; quantity: number }[]) {
      const res = await sys.json('/api/customers/ann/orders', post({ items }))
      expect(res.status, JSON.stringify(res.body)).toBe(201)
      return res.body.order as { id: string }
    }
    const read = async (sys: TestSystem, id: string) =>
      (await sys.json(`/api/customers/ann/orders/${id}`)).body.order
    const status = (sys: TestSystem, id: string, wanted: string) =>
      waitFor(async () => ((await read(sys, id)).status === wanted ? true : undefined), {
        what: `order ${id} to be ${wanted}`,
      })
    const pay = async (sys: TestSystem, orderId: string) => {
      const link = await waitFor(async () => (await read(sys, orderId)).paymentLink || undefined)
      const { payload, signature } = signedStripeEvent({
        orderId,
        customerId: 'ann',
        sessionId: sessionIdIn(link),
      })
      const res = await sys.json(
        '/api/payments/webhook',
        post(payload, { 'stripe-signature': signature }),
      )
      expect(res.status).toBe(200)
    }
    const menu = async (sys: TestSystem) =>
      Object.fromEntries(
        ((await sys.json('/api/menu')).body.items as { id: string; available: number }[]).map(
          (i) => [i.id, i.available],
        ),
      )

    it('keeps orders and reservations across a restart, and the flow carries on', async () => {
      const env = { MONGODB_URI: server.uri('restart') }
      const first = await start(env)
      const paidBefore = await order(first, [{ id: 'burger', quantity: 2 }])
      const pending = await order(first, [
        { id: 'fries', quantity: 3 },
        { id: 'lemonade', quantity: 1 },
      ])
      // Everything the first run was asked to do is done before it stops.
      await waitFor(async () => ((await read(first, pending.id)).paymentLink ? true : undefined), {
        what: 'payment link',
      })
      await pay(first, paidBefore.id)
      await status(first, paidBefore.id, 'ready')
      const listed = (await first.json('/api/customers/ann/orders')).body.orders
      const available = await menu(first)
      expect(available).toMatchObject({ burger: 98, fries: 197, lemonade: 149 })
      await first.stop()
      systems.splice(0)

      const second = await start(env)
      expect((await second.json('/api/customers/ann/orders')).body.orders).toEqual(listed)
      expect(await menu(second)).toEqual(available)
      const [fries] = await dataOf(stock, second.adapters.store).levels(['fries'])

      await pay(second, pending.id)
      await status(second, pending.id, 'ready')
      await waitFor(
        async () => {
          const [after] = await dataOf(stock, second.adapters.store).levels(['fries'])
          return after?.onHand === (fries?.onHand ?? 0) - 3 && after.reserved === 0
            ? true
            : undefined
        },
        { what: 'the fries reservation to be committed' },
      )
      expect(await menu(second)).toMatchObject({ fries: 197, lemonade: 149 })

      const another = await order(second, [{ id: 'fries', quantity: 1 }])
      expect((await menu(second)).fries).toBe(196)
      const cancelled = await second.json(`/api/customers/ann/orders/${another.id}/cancel`, {
        method: 'POST',
      })
      expect(cancelled.status).toBe(200)
      await waitFor(async () => ((await menu(second)).fries === 197 ? true : undefined), {
        what: 'the cancelled order’s fries to be released',
      })
    })

    it('answers 503 UNAVAILABLE with the JSON error shape while the store is down', async (ctx) => {
      const { restart } = server
      if (!restart) return ctx.skip('the server at MONGODB_URI is not ours to restart')
      const sys = await start({ MONGODB_URI: server.uri('outage') })
      const placed = await order(sys, [{ id: 'burger', quantity: 1 }])
      await restart.stop()
      try {
        for (const [path, init] of [
          [`/api/customers/ann/orders/${placed.id}`, undefined],
          ['/api/customers/ann/orders', post({ items: [{ id: 'burger', quantity: 1 }] })],
          ['/api/menu', undefined],
        ] as const) {
          const res = await sys.json(path, init)
          expect({ path, status: res.status, code: res.body?.error?.code }).toEqual({
            path,
            status: 503,
            code: 'UNAVAILABLE',
          })
          expect(res.body.error.message).toEqual(expect.any(String))
        }
      } finally {
        await restart.start()
      }
      await waitFor(
        async () =>
          (await sys.json(`/api/customers/ann/orders/${placed.id}`)).status === 200
            ? true
            : undefined,
        { timeoutMs: 15_000, what: 'the API to answer again once the store is back' },
      )
    }, 60_000)
  })
})
