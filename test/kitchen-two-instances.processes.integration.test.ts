/**
 * Two kitchen workers on one job list (what KEDA runs when it scales the worker out): the six
 * bundles on RabbitMQ and MongoDB (FerretDB), the kitchen's process replaced by two of its
 * bundle, competing for order.paid on its queue and for jobs in the runtime's job list. Every
 * paid order is cooked exactly once — one job run done per order over both instances, one
 * order.ready per order, every job done — and both instances cooked some.
 *
 * FerretDB 1.x is not atomic per document across connections (test/servers/ferretdb.ts); the
 * two kitchens reach it through a proxy that runs one command at a time across connections,
 * which is what MongoDB guarantees per document, so the leases are tested, not FerretDB.
 */
import { type ChannelModel, connect } from 'amqplib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { declareExchange, topology } from '../runtime/adapters/bus/amqp/topology.ts'
import { RUNTIME_NAMESPACE } from '../runtime/queue/handled-events.ts'
import { JOBS } from '../runtime/worker/job-list.ts'
import { orderReady } from '../shared/events.ts'
import { post, sessionIdIn, signedStripeEvent, waitFor } from './fixtures.ts'
import { parseScrape } from './prometheus-text.ts'
import {
  type DurableSystem,
  durableServersMissing,
  startDurableProcesses,
} from './servers/durable-processes.ts'
import { freePort } from './servers/free-port.ts'
import type { DomainProcess } from './servers/processes.ts'
import { RABBIT_URL } from './servers/rabbitmq.ts'
import { type SerialProxy, startSerialMongoProxy } from './servers/serial-mongo-proxy.ts'

const missing = await durableServersMissing('the two kitchen instances test')

const ORDERS = 12
const WORKER = 'kitchen.cook'

describe.skipIf(Boolean(missing))('two kitchen instances on one job list', () => {
  let durable: DurableSystem
  let proxy: SerialProxy | undefined
  let amqp: ChannelModel | undefined
  const kitchens: { proc: DomainProcess; metrics: string }[] = []

  beforeAll(async () => {
    // Two at a time each, a little cook time: one instance alone cannot take every job.
    durable = await startDurableProcesses('kitchens', {
      OUTBOX_POLL_MS: '100',
      KITCHEN_COOK_MS: '400',
      KITCHEN_CONCURRENCY: '2',
    })
    const first = durable.system.processes.get('kitchen')
    if (!first) throw new Error('no kitchen process')
    first.child.kill('SIGTERM')
    await first.exited

    const db = new URL(durable.mongoUri)
    proxy = await startSerialMongoProxy({ host: db.hostname, port: Number(db.port) })
    db.port = String(proxy.port)
    for (let i = 0; i < 2; i++) {
      const metricsPort = await freePort()
      const proc = await durable.system.spawnDomain('kitchen', {
        MONGODB_URI: db.toString(),
        GRPC_PORT: String(await freePort()),
        METRICS_PORT: String(metricsPort),
      })
      kitchens.push({ proc, metrics: `http://127.0.0.1:${metricsPort}/metrics` })
    }
  }, 120_000)
  afterAll(async () => {
    await amqp?.close().catch(() => {})
    await durable?.stop()
    await proxy?.close()
  }, 60_000)

  /** Job runs of the worker ended `outcome`, per instance. */
  async function runs(outcome: string): Promise<number[]> {
    return Promise.all(
      kitchens.map(async (k) => {
        const text = await (await fetch(k.metrics)).text()
        return parseScrape(text).value('oms_worker_jobs_finished_total', {
          function: WORKER,
          outcome,
        })
      }),
    )
  }

  it('cooks every paid order exactly once, both instances taking some', async () => {
    // Every order.ready, as a consumer of it would get them.
    amqp = await connect(RABBIT_URL)
    const ch = await amqp.createChannel()
    const names = topology(durable.namespace)
    await declareExchange(ch, names, orderReady.name)
    const tap = await ch.assertQueue('', { exclusive: true, autoDelete: true })
    await ch.bindQueue(tap.queue, names.exchange(orderReady.name), '')
    const ready = new Map<string, number>()
    await ch.consume(
      tap.queue,
      (m) => {
        if (!m) return
        const { orderId } = JSON.parse(m.content.toString()) as { orderId: string }
        ready.set(orderId, (ready.get(orderId) ?? 0) + 1)
      },
      { noAck: true },
    )

    const customers = Array.from({ length: ORDERS }, (_, i) => `two-kitchens-${i}`)
    const orderIds = await Promise.all(
      customers.map(async (customer) => {
        const placed = await durable.json(
          `/api/customers/${customer}/orders`,
          post({ items: [{ id: 'fries', quantity: 1 }] }),
        )
        expect(placed.status).toBe(201)
        const order = await waitFor(
          async () => {
            const [o] = (await durable.json(`/api/customers/${customer}/orders`)).body.orders as {
              id: string
              paymentLink: string | null
            }[]
            return o?.paymentLink ? o : undefined
          },
          { timeoutMs: 30_000, intervalMs: 100, what: `${customer}'s payment link` },
        )
        const paid = signedStripeEvent({
          id: `evt_${customer}`,
          sessionId: sessionIdIn(order.paymentLink ?? ''),
          orderId: order.id,
          customerId: customer,
        })
        const hook = await fetch(`${durable.system.url}/api/payments/webhook`, {
          method: 'POST',
          headers: { 'stripe-signature': paid.signature, 'content-type': 'application/json' },
          body: paid.payload,
        })
        expect(hook.status).toBe(200)
        return order.id
      }),
    )

    // Every order is cooked: ready, and announced.
    await waitFor(
      async () => {
        for (const customer of customers) {
          const [o] = (await durable.json(`/api/customers/${customer}/orders`)).body.orders as {
            status: string
          }[]
          if (o?.status !== 'ready') return undefined
        }
        return orderIds.every((id) => ready.has(id)) ? true : undefined
      },
      { timeoutMs: 60_000, intervalMs: 250, what: 'every order ready' },
    )
    // Past any second run that could still be going (a cook time and more).
    await new Promise((resolve) => setTimeout(resolve, 1500))

    // Once each: one run done per order over both instances, one order.ready per order.
    const done = await runs('done')
    expect(done.reduce((a, b) => a + b, 0)).toBe(ORDERS)
    expect(Object.fromEntries(ready)).toEqual(Object.fromEntries(orderIds.map((id) => [id, 1])))
    // Both instances cooked.
    for (const n of done) expect(n).toBeGreaterThan(0)
    // And the job list agrees: one job per order, each done.
    const jobs = await (await durable.store())
      .collection<{ _id: string; jobId: string; queue: string; state: string }>(
        RUNTIME_NAMESPACE,
        JOBS,
      )
      .find('due', { where: { queue: WORKER }, limit: 1000 })
    expect(jobs.map((j) => j.jobId).sort()).toEqual([...orderIds].sort())
    expect(jobs.every((j) => j.state === 'done')).toBe(true)
    for (const k of kitchens) expect(k.proc.child.exitCode).toBeNull()
  }, 120_000)
})
