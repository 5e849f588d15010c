/**
 * Transient is not failure, on the deployment users run: the six bundles on RabbitMQ and
 * MongoDB (FerretDB), the
 * orders process down for two minutes (a routine restart takes less) while a customer pays.
 * Stock's settlement and the kitchen need orders; their messages wait, without using up their
 * three quick retries (which would park them within two seconds), and once orders is back the
 * order is paid, its stock sold and it is cooked. Nothing is parked.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { amqpBus } from '../runtime/adapters/bus/amqp/amqp-bus.ts'
import { buildBundles } from '../runtime/build/build-bundles.ts'
import { loadFunctions } from '../runtime/catalog.ts'
import { queuesOf } from '../runtime/queue/queues-of.ts'
import { post, signedStripeEvent, silentLogger, WEBHOOK_SECRET, waitFor } from './fixtures.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'
import { type ProcessSystem, startProcesses } from './servers/processes.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'

const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 120_000)

const missing = !(await rabbitAvailable()) ? 'RabbitMQ does not answer' : mongoUnavailable()
if (missing && process.env.CI) throw new Error(`orders outage test needs its servers: ${missing}`)
if (missing) console.warn(`skipping the orders outage test: ${missing}`)

describe.skipIf(Boolean(missing))('orders down for two minutes while a customer pays', () => {
  const dist = mkdtempSync(join(tmpdir(), 'oms-dist-'))
  const namespace = testNamespace()
  let server: MongoServer
  let system: ProcessSystem

  beforeAll(async () => {
    server = await startMongoServer()
    await buildBundles({ outDir: dist })
    system = await startProcesses(dist, {
      AMQP_URL: RABBIT_URL,
      AMQP_NAMESPACE: namespace,
      MONGODB_URI: server.uri('outage'),
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      KITCHEN_COOK_MS: '100',
      RETRY_DELAYS_MS: '200,500,1000',
      TRANSIENT_WAIT_MS: String(OUTAGE_MS + 60_000),
    })
  }, 90_000)
  afterAll(async () => {
    await system?.stop()
    await server?.close()
    await deleteNamespace(namespace)
  })

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${system.url}${path}`, init)
    const text = await res.text()
    return { status: res.status, body: text ? JSON.parse(text) : undefined }
  }
  const availableFries = async () =>
    (await json('/api/menu')).body.items.find((i: { id: string }) => i.id === 'fries').available

  it(
    'settles and cooks the order once orders is back, parking nothing',
    async () => {
      const placed = await json(
        '/api/customers/ann/orders',
        post({ items: [{ id: 'fries', quantity: 2 }] }),
      )
      expect(placed.status).toBe(201)
      const orderId = placed.body.order.id as string
      await waitFor(
        async () =>
          (await json(`/api/customers/ann/orders/${orderId}`)).body.order.paymentLink
            ? true
            : undefined,
        { what: 'the payment link' },
      )
      const heldBefore = await availableFries()

      const orders = system.processes.get('orders')!
      orders.child.kill('SIGKILL')
      await orders.exited
      const paid = signedStripeEvent({ id: `evt_outage_${orderId}`, orderId, customerId: 'ann' })
      const hook = await fetch(`${system.url}/api/payments/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': paid.signature, 'content-type': 'application/json' },
        body: paid.payload,
      })
      expect(hook.status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))

      system.processes.set('orders', await system.spawnDomain('orders'))
      let last: unknown
      await waitFor(
        async () => {
          const got = await json(`/api/customers/ann/orders/${orderId}`)
          last = got
          return got.body?.order?.status === 'ready' ? true : undefined
        },
        { timeoutMs: 60_000, what: 'the order to be paid and cooked' },
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last answer ${JSON.stringify(last)}`)
      })
      // Sold: the units stay off the shelf, and nothing is still reserved for the order.
      expect(await availableFries()).toBe(heldBefore)

      const bus = await amqpBus({
        url: RABBIT_URL,
        namespace,
        retryDelaysMs: [],
        log: silentLogger,
      })
      try {
        const parked = []
        for (const { consumer } of queuesOf(await loadFunctions()))
          parked.push(...(await bus.parked(consumer)))
        expect(parked).toEqual([])
      } finally {
        await bus.close()
      }
    },
    OUTAGE_MS + 120_000,
  )
})
