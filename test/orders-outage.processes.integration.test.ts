/**
 * Transient is not failure, on the deployment users run: the six bundles on RabbitMQ and
 * MongoDB (FerretDB), the
 * orders process down for two minutes (a routine restart takes less) while a customer pays.
 * Stock's settlement and the kitchen need orders; their messages wait, without using up their
 * three quick retries (which would park them within two seconds), and once orders is back the
 * order is paid, its stock sold and it is cooked. Nothing is parked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { post, sessionIdIn, signedStripeEvent, waitFor } from './fixtures.ts'
import {
  type DurableSystem,
  durableServersMissing,
  startDurableProcesses,
} from './servers/durable-processes.ts'

const OUTAGE_MS = Number(process.env.OUTAGE_MS ?? 120_000)

const missing = await durableServersMissing('the orders outage test')

describe.skipIf(Boolean(missing))('orders down for two minutes while a customer pays', () => {
  let durable: DurableSystem

  beforeAll(async () => {
    durable = await startDurableProcesses('outage', {
      TRANSIENT_WAIT_MS: String(OUTAGE_MS + 60_000),
    })
  }, 90_000)
  afterAll(() => durable?.stop())

  const json = (path: string, init?: RequestInit) => durable.json(path, init)
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
      const link: string = await waitFor(
        async () =>
          (await json(`/api/customers/ann/orders/${orderId}`)).body.order.paymentLink || undefined,
        { what: 'the payment link' },
      )
      const heldBefore = await availableFries()

      const orders = durable.system.processes.get('orders')!
      orders.child.kill('SIGKILL')
      await orders.exited
      const paid = signedStripeEvent({
        id: `evt_outage_${orderId}`,
        orderId,
        customerId: 'ann',
        sessionId: sessionIdIn(link),
      })
      const hook = await fetch(`${durable.system.url}/api/payments/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': paid.signature, 'content-type': 'application/json' },
        body: paid.payload,
      })
      expect(hook.status).toBe(200)
      await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS))

      durable.system.processes.set('orders', await durable.system.spawnDomain('orders'))
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

      expect(await durable.parked()).toEqual([])
    },
    OUTAGE_MS + 120_000,
  )
})
