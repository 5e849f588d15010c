/**
 * The transactional outbox, proven by killing a real process: the six bundles on RabbitMQ and
 * MongoDB (FerretDB), orders restarted with a crash point armed (OMS_CRASH_AT). The orders
 * process dies (SIGKILL) right after storing an order and its order.created — before the relay
 * published it, or after it published and before it cleared it. Once orders is started again,
 * the order goes on exactly as if nothing had happened: payments opens one checkout session and
 * the order gets its payment link; paid, it is cooked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CrashPoint } from '../runtime/faults/crash-point.ts'
import { post, signedStripeEvent, waitFor } from './fixtures.ts'
import {
  type DurableSystem,
  durableServersMissing,
  startDurableProcesses,
} from './servers/durable-processes.ts'

const missing = await durableServersMissing('the outbox crash test')

describe.skipIf(Boolean(missing))('outbox: orders killed between its write and the publish', () => {
  let durable: DurableSystem

  beforeAll(async () => {
    durable = await startDurableProcesses('outbox', { OUTBOX_POLL_MS: '200' })
  }, 90_000)
  afterAll(() => durable?.stop())

  const json = (path: string, init?: RequestInit) => durable.json(path, init)

  /** The customer's orders, newest first. */
  const ordersOf = async (customer: string) =>
    (await json(`/api/customers/${customer}/orders`)).body.orders as {
      id: string
      status: string
      paymentLink: string | null
    }[]

  it.each<[CrashPoint]>([['outbox.before-publish'], ['outbox.before-clear']])(
    'a crash at %s loses nothing and doubles nothing',
    async (point) => {
      const customer = `crash-${point.replace(/\W/g, '-')}`
      const first = durable.system.processes.get('orders')!
      first.child.kill('SIGKILL')
      await first.exited
      const armed = await durable.system.spawnDomain('orders', { OMS_CRASH_AT: point })

      // The order is stored with its event; the process dies before the answer goes out.
      const placed = await json(
        `/api/customers/${customer}/orders`,
        post({ items: [{ id: 'fries', quantity: 1 }] }),
      )
      expect(await armed.exited).toBe(null)
      expect(armed.stderr()).toContain(`crash point ${point} reached`)
      expect([201, 503]).toContain(placed.status)

      const restarted = await durable.system.spawnDomain('orders')
      durable.system.processes.set('orders', restarted)
      const [order] = await waitFor(
        async () => {
          const list = await ordersOf(customer)
          return list.length === 1 && list[0]?.paymentLink ? list : undefined
        },
        { timeoutMs: 30_000, what: 'the stored order to get its payment link' },
      )
      expect(order?.status).toBe('pending')
      expect(order?.paymentLink).toMatch(/\/checkout\/cs_local_\w+$/)
      // One checkout session: the link does not change when order.created arrives again.
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect((await ordersOf(customer))[0]?.paymentLink).toBe(order?.paymentLink)

      const paid = signedStripeEvent({
        id: `evt_${customer}`,
        orderId: order!.id,
        customerId: customer,
      })
      const hook = await fetch(`${durable.system.url}/api/payments/webhook`, {
        method: 'POST',
        headers: { 'stripe-signature': paid.signature, 'content-type': 'application/json' },
        body: paid.payload,
      })
      expect(hook.status).toBe(200)
      await waitFor(
        async () => ((await ordersOf(customer))[0]?.status === 'ready' ? true : undefined),
        { timeoutMs: 30_000, what: 'the paid order to be ready' },
      )
    },
    90_000,
  )
})
