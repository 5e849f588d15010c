import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import { createAdapters } from '../../runtime/adapters/create-adapters.ts'
import type {
  Collection,
  CollectionSpec,
  Doc,
  DocumentStore,
} from '../../runtime/ports/documents.ts'
import { RUNTIME_NAMESPACE } from '../../runtime/queue/handled-events.ts'
import { JOBS } from '../../runtime/worker/job-list.ts'
import type { EventBody } from '../../shared/events.ts'
import {
  dataOf,
  silentLogger,
  startSystem,
  type TestSystem,
  testConfig,
  waitFor,
} from '../../test/fixtures.ts'
import { orders as ordersDomain } from '../orders/domain.ts'

/** The kitchen plus only the orders methods it calls. */
const KITCHEN_ONLY = ['kitchen.cook', 'orders.get-order', 'orders.update-order']

let sys: TestSystem
let ready: EventBody<'order.ready'>[]
/** Order ids read from the store, in order: the kitchen's looks at an order. */
let reads: string[]

afterEach(() => sys.stop())

/** The collection, recording the id of every document read from it. */
function countingReads<D extends Doc>(c: Collection<D>): Collection<D> {
  return {
    insert: (doc, options) => c.insert(doc, options),
    async get(id) {
      reads.push(id)
      return c.get(id)
    },
    find: (index, query) => c.find(index, query),
    update: (id, change, options) => c.update(id, change, options),
    delete: (id, where) => c.delete(id, where),
    pendingEvents: (limit) => c.pendingEvents(limit),
    clearEvents: (id, eventIds) => c.clearEvents(id, eventIds),
  }
}

async function start(select: string[], env: Record<string, string> = {}) {
  const config = testConfig(env)
  const adapters = await createAdapters(config, silentLogger)
  reads = []
  const inner = adapters.store
  const store: DocumentStore = {
    kind: inner.kind,
    remote: inner.remote,
    prepare: (namespace, specs) => inner.prepare(namespace, specs),
    collection: <D extends Doc>(namespace: string, spec: CollectionSpec): Collection<D> => {
      const c = inner.collection<D>(namespace, spec)
      return namespace === ordersDomain.name && spec.name === 'orders' ? countingReads(c) : c
    },
    ping: () => inner.ping(),
    close: () => inner.close(),
  }
  ready = []
  await adapters.bus.subscribe(
    { consumer: 'test.ready', event: 'order.ready', prefetch: 16, retryDelaysMs: [] },
    async (d) => void ready.push(JSON.parse(d.body)),
  )
  sys = await startSystem({ select, env, adapters: { ...adapters, store } })
}

async function insertOrder(status: string): Promise<Order> {
  const now = new Date().toISOString()
  const order: Order = {
    id: randomUUID(),
    customerId: 'ann',
    status,
    items: [{ id: 'fries', name: 'Fries', quantity: 1, priceId: 'price_fries', unitAmount: 350 }],
    total: 350,
    currency: 'eur',
    paymentLink: '',
    createdAt: now,
    updatedAt: now,
    expiresAt: now,
    refund: undefined,
    traceParent: '',
  }
  expect(await ordersData().insert(order)).toBe(true)
  return order
}

/** The orders domain's repository, as the orders functions see it. */
const ordersData = () => dataOf(ordersDomain, sys.adapters.store)

const publishPaid = (order: Order, eventId = `${order.id}:paid`) => {
  const paid: EventBody<'order.paid'> = {
    eventId,
    orderId: order.id,
    customerId: order.customerId,
    occurredAt: new Date().toISOString(),
  }
  return sys.adapters.bus.publish('order.paid', paid)
}

const statusOf = async (id: string) => (await ordersData().get(id))?.status

/** The fields of the runtime's job documents this test reads. */
interface JobFields {
  _id: string
  queue: string
  state: 'queued' | 'running' | 'done'
}

/** Jobs of the kitchen's worker that are queued or running. */
async function openJobs(): Promise<number> {
  const jobs = sys.adapters.store.collection<JobFields>(RUNTIME_NAMESPACE, JOBS)
  const queue = 'kitchen.cook'
  const queued = await jobs.find('due', { where: { queue, state: 'queued' } })
  const running = await jobs.find('lease', { where: { queue, state: 'running' } })
  return queued.length + running.length
}

describe('kitchen.cook', () => {
  it('cooks a paid order: preparing, then ready, then announces order.ready', async () => {
    await start(['kitchen', 'orders', 'menu', 'stock'], { KITCHEN_COOK_MS: '150' })
    const { order } = (await sys.runtime.invoke('orders.create-order', {
      customerId: 'ann',
      items: [{ id: 'burger', quantity: 1 }],
    })) as CreateOrderResponse
    const id = order!.id

    await publishPaid(order!)
    const seen: string[] = []
    await waitFor(
      async () => {
        const status = (await statusOf(id)) ?? ''
        if (seen.at(-1) !== status) seen.push(status)
        return status === 'ready' ? true : undefined
      },
      { intervalMs: 10, what: 'order to be ready' },
    )
    expect(seen.filter((s) => s === 'preparing' || s === 'ready')).toEqual(['preparing', 'ready'])
    const statuses = ['pending', 'paid', 'preparing', 'ready']
    const positions = seen.map((s) => statuses.indexOf(s))
    expect(positions).toEqual([...positions].sort((a, b) => a - b))

    await waitFor(() => (ready.length > 0 ? true : undefined), { what: 'order.ready' })
    expect(ready).toEqual([
      {
        eventId: `${id}:ready`,
        orderId: id,
        customerId: 'ann',
        occurredAt: (await ordersData().get(id))?.updatedAt,
      },
    ])
  })

  it('cooks an order whose payment it heard before orders recorded it, once orders does', async () => {
    await start(KITCHEN_ONLY, { KITCHEN_COOK_MS: '20' })
    const order = await insertOrder('pending')

    await publishPaid(order)
    await waitFor(() => (reads.includes(order.id) ? true : undefined), {
      what: 'the kitchen to look at the order',
    })
    expect(await statusOf(order.id)).toBe('pending')
    expect(ready).toEqual([])

    await sys.runtime.invoke('orders.update-order', {
      orderId: order.id,
      status: 'paid',
      paymentLink: '',
    })
    await waitFor(async () => ((await statusOf(order.id)) === 'ready' ? true : undefined), {
      what: 'order to be ready',
    })
    await waitFor(() => (ready.length > 0 ? true : undefined))
    expect(ready.map((e) => e.orderId)).toEqual([order.id])
  })

  it('does not cook a cancelled order', async () => {
    await start(KITCHEN_ONLY, { KITCHEN_COOK_MS: '20' })
    const order = await insertOrder('cancelled')

    await publishPaid(order)
    await waitFor(() => (reads.includes(order.id) ? true : undefined))
    await waitFor(async () => ((await openJobs()) === 0 ? true : undefined), {
      what: 'the kitchen to finish with the order',
    })
    expect(await statusOf(order.id)).toBe('cancelled')
    expect(ready).toEqual([])
  })

  it('cooks an order once however often its payment is heard', async () => {
    await start(KITCHEN_ONLY, { KITCHEN_COOK_MS: '50' })
    const order = await insertOrder('paid')

    await publishPaid(order, 'evt-1')
    await publishPaid(order, 'evt-2')
    await waitFor(async () => ((await statusOf(order.id)) === 'ready' ? true : undefined))
    await publishPaid(order, 'evt-3')
    await new Promise((r) => setTimeout(r, 100))
    expect(ready.map((e) => e.orderId)).toEqual([order.id])
  })

  it('never has more than KITCHEN_CONCURRENCY orders preparing at once', async () => {
    await start(KITCHEN_ONLY, { KITCHEN_CONCURRENCY: '2', KITCHEN_COOK_MS: '300' })
    const orders = await Promise.all(Array.from({ length: 5 }, () => insertOrder('paid')))
    for (const order of orders) await publishPaid(order)

    let most = 0
    await waitFor(
      async () => {
        const statuses = await Promise.all(orders.map((o) => statusOf(o.id)))
        most = Math.max(most, statuses.filter((s) => s === 'preparing').length)
        return statuses.every((s) => s === 'ready') ? true : undefined
      },
      { intervalMs: 10, what: 'every order to be ready' },
    )
    expect(most).toBe(2)
    await waitFor(() => (ready.length === 5 ? true : undefined))
    expect(new Set(ready.map((e) => e.orderId))).toEqual(new Set(orders.map((o) => o.id)))
  })
})
