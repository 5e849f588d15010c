/**
 * Every named crash point (runtime/faults/crash-point.ts) hit in turn, by killing a real
 * process: the six bundles on RabbitMQ and MongoDB (FerretDB), one domain restarted with the
 * point armed (OMS_CRASH_AT), so it dies (SIGKILL) between a write and the step after it.
 * Started again, the system converges: the order ends ready, or cancelled with its units given
 * back, or refunded once — and the units held equal the lines of the open orders.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orders } from '../functions/orders/domain.ts'
import { stock } from '../functions/stock/domain.ts'
import { CRASH_POINTS, type CrashPoint } from '../shared/crash-points.ts'
import { dataOf, post, sessionIdIn, signedStripeEvent, waitFor } from './fixtures.ts'
import {
  type DurableSystem,
  durableServersMissing,
  startDurableProcesses,
} from './servers/durable-processes.ts'

const missing = await durableServersMissing('the crash point test')

interface PublicOrder {
  id: string
  status: string
  paymentLink: string | null
  refund: { status: string } | null
}

describe.skipIf(Boolean(missing))(
  'crash points: a process killed between a write and the next step',
  () => {
    let durable: DurableSystem

    beforeAll(async () => {
      durable = await startDurableProcesses('crash', {
        OUTBOX_POLL_MS: '200',
        ORDER_SWEEP_INTERVAL: '300ms',
        // Reservations of orders never stored are settled right after their payment expiry.
        STOCK_SWEEP_INTERVAL: '300ms',
        STOCK_EXPIRED_GRACE: '0s',
      })
    }, 90_000)
    afterAll(() => durable?.stop())

    const json = (path: string, init?: RequestInit) => durable.json(path, init)
    const ordersOf = async (customer: string) =>
      (await json(`/api/customers/${customer}/orders`)).body.orders as PublicOrder[]
    const until = <T>(what: string, check: () => Promise<T | undefined>) =>
      waitFor(check, { timeoutMs: 30_000, intervalMs: 100, what })

    /** Restarts the domain's process with the crash point armed. */
    async function arm(domain: string, point: CrashPoint, extra: Record<string, string> = {}) {
      const running = durable.system.processes.get(domain)!
      running.child.kill('SIGKILL')
      await running.exited
      return durable.system.spawnDomain(domain, { OMS_CRASH_AT: point, ...extra })
    }
    /** Waits for the armed process to die at its point, and starts the domain again, unarmed. */
    async function crashedAndRestarted(
      armed: Awaited<ReturnType<typeof arm>>,
      domain: string,
      point: CrashPoint,
    ) {
      expect(await armed.exited).toBe(null)
      expect(armed.stderr()).toContain(`crash point ${point} reached`)
      durable.system.processes.set(domain, await durable.system.spawnDomain(domain))
    }

    const fries = async () => (await dataOf(stock, await durable.store()).levels(['fries']))[0]!
    /** Units of fries held equal the fries of the orders still open (pending): none leaked. */
    async function heldMatchesOpenOrders() {
      const data = dataOf(orders, await durable.store())
      const open = await data.expired('pending', '9999-12-31T00:00:00.000Z', 1000)
      const wanted = open
        .flatMap((o) => o.items)
        .filter((i) => i.id === 'fries')
        .reduce((n, i) => n + i.quantity, 0)
      await until('units held to equal the open orders', async () =>
        (await fries()).reserved === wanted ? true : undefined,
      )
    }

    const placeFries = (customer: string) =>
      json(`/api/customers/${customer}/orders`, post({ items: [{ id: 'fries', quantity: 1 }] }))

    async function linkOf(customer: string) {
      const [order] = await until('the order to get its payment link', async () => {
        const list = await ordersOf(customer)
        return list.length === 1 && list[0]?.paymentLink ? list : undefined
      })
      return order!
    }

    async function deliverPaid(customer: string, order: PublicOrder) {
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
    }

    /** The order pays through and is cooked, with one checkout session all along. */
    async function paysThrough(customer: string) {
      const order = await linkOf(customer)
      expect(order.status).toBe('pending')
      await new Promise((resolve) => setTimeout(resolve, 500))
      expect((await ordersOf(customer))[0]?.paymentLink).toBe(order.paymentLink)
      await deliverPaid(customer, order)
      await until('the paid order to be ready', async () =>
        (await ordersOf(customer))[0]?.status === 'ready' ? true : undefined,
      )
    }

    /** How each point is reached, and what converging means there. */
    const scenarios: Record<CrashPoint, (customer: string, point: CrashPoint) => Promise<void>> = {
      // Orders dies with an order and its order.created stored, unpublished or uncleared.
      'outbox.before-publish': async (customer, point) => {
        const armed = await arm('orders', point)
        expect([201, 503]).toContain((await placeFries(customer)).status)
        await crashedAndRestarted(armed, 'orders', point)
        await paysThrough(customer)
      },
      'outbox.before-clear': async (customer, point) =>
        scenarios['outbox.before-publish'](customer, point),
      // Orders dies with the units reserved and the order not stored: no order is listed, and
      // stock's sweep gives the units back once the reservation's payment expiry has passed
      // (2 s for the order the armed process places).
      'orders.placing.after-reserve': async (customer, point) => {
        const before = (await fries()).available
        const armed = await arm('orders', point, { ORDER_PAYMENT_TIMEOUT: '2s' })
        expect((await placeFries(customer)).status).toBeGreaterThanOrEqual(500)
        await crashedAndRestarted(armed, 'orders', point)
        expect(await ordersOf(customer)).toEqual([])
        await until('its units to be given back', async () =>
          (await fries()).available === before ? true : undefined,
        )
        expect(await ordersOf(customer)).toEqual([])
      },
      // Payments dies with the session opened and the link not recorded: the redelivery finds
      // the same session.
      'payments.checkout.before-link': async (customer, point) => {
        const armed = await arm('payments', point)
        expect((await placeFries(customer)).status).toBe(201)
        await crashedAndRestarted(armed, 'payments', point)
        await paysThrough(customer)
      },
      // Payments dies having refunded a late payment, before saying so: refunded once, recorded.
      'payments.refund.before-publish': async (customer, point) => {
        const armed = await arm('payments', point)
        expect((await placeFries(customer)).status).toBe(201)
        const order = await linkOf(customer)
        const cancel = await json(`/api/customers/${customer}/orders/${order.id}/cancel`, {
          method: 'POST',
        })
        expect(cancel.status).toBe(200)
        await deliverPaid(customer, order)
        await crashedAndRestarted(armed, 'payments', point)
        const [refunded] = await until('the late payment to be refunded', async () => {
          const list = await ordersOf(customer)
          return list[0]?.refund?.status === 'refunded' ? list : undefined
        })
        expect(refunded?.status).toBe('cancelled')
      },
    }

    it('has a scenario for every crash point', () => {
      expect(Object.keys(scenarios).sort()).toEqual([...CRASH_POINTS].sort())
    })

    it.each(CRASH_POINTS.map((p) => [p]))(
      'a crash at %s loses nothing, doubles nothing, holds nothing',
      async (point) => {
        const customer = `crash-${point.replace(/\W/g, '-')}`
        await scenarios[point](customer, point)
        await heldMatchesOpenOrders()
        expect(await durable.parked()).toEqual([])
      },
      90_000,
    )
  },
)
