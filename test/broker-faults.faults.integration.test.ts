/**
 * Broker faults while 200 orders flow through the whole system on RabbitMQ: every connection
 * of the system is closed by the broker (twice), or the broker app is stopped and started.
 * Afterwards every order reaches `ready`, none is lost, and no effect happened twice: each
 * status move happened once, stock was committed exactly once per order, each order cooked once.
 * (This file runs alone, after every other test file: it stops the broker.)
 */
import { afterEach, describe, expect, it } from 'vitest'
import { orders } from '../functions/orders/domain.ts'
import { stock } from '../functions/stock/domain.ts'
import { type Adapters, createAdapters } from '../runtime/adapters/create-adapters.ts'
import type { Collection, CollectionSpec, Doc, DocumentStore } from '../runtime/ports/documents.ts'
import {
  dataOf,
  post,
  sessionIdIn,
  signedStripeEvent,
  silentLogger,
  startSystem,
  type TestSystem,
  testConfig,
  waitFor,
} from './fixtures.ts'
import {
  brokerFaultsAllowed,
  deleteNamespace,
  rabbitAvailable,
  rabbitEnv,
  rabbitmqctl,
  testNamespace,
} from './servers/rabbitmq.ts'

const ORDERS = 200
const ITEM = 'fries' // seeded with 200 units: exactly one per order

/** The orders domain's collection of orders, as its data declares it. */
const ORDERS_COLLECTION = orders.spec.data?.collections.orders?.spec.name ?? ''

/**
 * The store, recording in `moves` every status an update of an order applies (`<id>:<status>`):
 * a status move is one guarded update of the order's document, so this sees each move once.
 */
function recordingMoves(store: DocumentStore, moves: string[]): DocumentStore {
  return {
    kind: store.kind,
    remote: store.remote,
    prepare: (namespace, specs) => store.prepare(namespace, specs),
    ping: () => store.ping(),
    close: () => store.close(),
    collection<D extends Doc>(namespace: string, spec: CollectionSpec): Collection<D> {
      const c = store.collection<D>(namespace, spec)
      if (namespace !== orders.name || spec.name !== ORDERS_COLLECTION) return c
      return {
        insert: (doc, options) => c.insert(doc, options),
        get: (id) => c.get(id),
        find: (index, query) => c.find(index, query),
        async update(id, change, options) {
          const done = await c.update(id, change, options)
          const status = (change.set as { status?: unknown } | undefined)?.status
          if (done && typeof status === 'string' && status) moves.push(`${id}:${status}`)
          return done
        },
        delete: (id, where) => c.delete(id, where),
        pendingEvents: (limit) => c.pendingEvents(limit),
        clearEvents: (id, eventIds) => c.clearEvents(id, eventIds),
      }
    },
  }
}

/** Runs `work` over 0..n-1 with at most `limit` at once; calls `midway` once when half are done. */
async function inBatches(
  n: number,
  limit: number,
  work: (i: number) => Promise<void>,
  midway: () => Promise<void>,
) {
  let next = 0
  let done = 0
  let fault: Promise<void> | undefined
  const lane = async () => {
    while (next < n) {
      await work(next++)
      done += 1
      if (done === Math.floor(n / 3) && !fault) fault = midway()
    }
  }
  await Promise.all(Array.from({ length: limit }, lane))
  await fault
}

async function closeConnectionsOf(namespace: string) {
  const lines = (
    await rabbitmqctl('list_connections', '-q', '--no-table-headers', 'pid', 'client_properties')
  ).split('\n')
  const ours = lines
    .filter((l) => l.includes(`{"connection_name","${namespace}:`))
    .map((l) => l.split('\t')[0] as string)
  expect(ours.length).toBeGreaterThan(0)
  for (const pid of ours) await rabbitmqctl('close_connection', pid, 'fault test')
}

async function restartBroker() {
  await rabbitmqctl('stop_app')
  await new Promise((r) => setTimeout(r, 1000))
  await rabbitmqctl('start_app')
}

describe.skipIf(!brokerFaultsAllowed() || !(await rabbitAvailable()))(
  'broker faults while orders flow',
  () => {
    let sys: TestSystem | undefined
    let adapters: Adapters | undefined
    let namespace = ''
    afterEach(async () => {
      await sys?.stop()
      await adapters?.bus.close()
      await deleteNamespace(namespace)
    })

    async function flow(fault: () => Promise<void>, faultAgain?: () => Promise<void>) {
      namespace = testNamespace()
      const env = {
        ...rabbitEnv(namespace),
        KITCHEN_COOK_MS: '10',
        KITCHEN_CONCURRENCY: '32',
        RETRY_DELAYS_MS: '200,1000,3000',
        PUBLISH_TIMEOUT_MS: '60000',
      }
      // Every status move the orders store accepts, to prove none happens twice.
      const moves: string[] = []
      const created = await createAdapters(testConfig(env), silentLogger)
      adapters = { ...created, store: recordingMoves(created.store, moves) }
      sys = await startSystem({ env, adapters })
      const system = sys
      // Seeded when the system started, before any order.
      const [before] = await dataOf(stock, adapters.store).levels([ITEM])
      expect(before?.onHand).toBe(ORDERS)

      const ids: string[] = []
      await inBatches(
        ORDERS,
        10,
        async (i) => {
          const res = await system.json(
            `/api/customers/c${i}/orders`,
            post({ items: [{ id: ITEM, quantity: 1 }] }),
          )
          expect(res.status, JSON.stringify(res.body)).toBe(201)
          ids[i] = res.body.order.id
        },
        fault,
      )
      await inBatches(
        ORDERS,
        10,
        async (i) => {
          const orderId = ids[i] as string
          const link = await waitFor(
            async () =>
              (await dataOf(orders, adapters!.store).get(orderId))?.paymentLink || undefined,
            { timeoutMs: 60_000, what: `order ${orderId}'s payment link` },
          )
          const { payload, signature } = signedStripeEvent({
            sessionId: sessionIdIn(link),
            id: `evt_${orderId}`,
            orderId,
            customerId: `c${i}`,
          })
          const res = await system.fetch(
            '/api/payments/webhook',
            post(payload, { 'stripe-signature': signature }),
          )
          expect(res.status).toBe(200)
        },
        faultAgain ?? (async () => {}),
      )
      await waitFor(
        async () => {
          const statuses = await Promise.all(
            ids.map(async (id) => (await dataOf(orders, adapters!.store).get(id))?.status),
          )
          return statuses.every((s) => s === 'ready') ? true : undefined
        },
        { timeoutMs: 90_000, intervalMs: 250, what: `all ${ORDERS} orders to be ready` },
      )

      // Nothing lost, nothing twice.
      for (const id of ids) {
        const order = await dataOf(orders, adapters.store).get(id)
        expect(order?.paymentLink).toMatch(/\/checkout\//)
        for (const status of ['paid', 'preparing', 'ready']) {
          expect(
            moves.filter((m) => m === `${id}:${status}`),
            `${id} → ${status}`,
          ).toHaveLength(1)
        }
      }
      await waitFor(
        async () => {
          const [level] = await dataOf(stock, adapters!.store).levels([ITEM])
          return level?.reserved === 0 ? level : undefined
        },
        { what: 'every reservation committed' },
      )
      const [after] = await dataOf(stock, adapters.store).levels([ITEM])
      expect(after).toMatchObject({ onHand: 0, reserved: 0, available: 0 })
      expect(await adapters.bus.parked()).toEqual([])
    }

    it('survives every connection being closed by the broker, twice', async () => {
      await flow(
        () => closeConnectionsOf(namespace),
        () => closeConnectionsOf(namespace),
      )
    }, 180_000)

    it('survives the broker app being stopped and started', async () => {
      await flow(restartBroker)
    }, 180_000)
  },
)
