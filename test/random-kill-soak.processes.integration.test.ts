/**
 * The random-kill soak: 200 orders placed, paid and cancelled by customers who retry what fails
 * (as Stripe retries its webhooks), while the whole process tree — the six bundles on RabbitMQ
 * and MongoDB (FerretDB) — is SIGKILLed at random moments six times and started again. After
 * it: no reservation without an open order, no payment lost, no order cancelled and paid
 * without a refund, nothing parked.
 */
import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { orders } from '../functions/orders/domain.ts'
import { stock } from '../functions/stock/domain.ts'
import type { Order } from '../proto/gen/oms.ts'
import { dataOf, post, sessionIdIn, signedStripeEvent, waitFor } from './fixtures.ts'
import {
  type DurableSystem,
  durableServersMissing,
  startDurableProcesses,
} from './servers/durable-processes.ts'

const missing = await durableServersMissing('the random-kill soak')

const ORDERS = 200
const KILLS = 6
/** Customers acting at once. */
const CONCURRENCY = 8
const ITEM = 'fries'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** What the customers saw: accepted payments and cancels, per order. */
interface Seen {
  customer: string
  orderId?: string
  paymentAccepted: boolean
  cancelAccepted: boolean
}

describe.skipIf(Boolean(missing))('random-kill soak: the process tree SIGKILLed six times', () => {
  let durable: DurableSystem

  beforeAll(async () => {
    durable = await startDurableProcesses('soak', {
      OUTBOX_POLL_MS: '200',
      ORDER_SWEEP_INTERVAL: '500ms',
      // A kill between an order's reservation and its write leaves a reservation of an order
      // never stored: stock's sweep releases it once its payment expiry has passed.
      ORDER_PAYMENT_TIMEOUT: '40s',
      STOCK_SWEEP_INTERVAL: '500ms',
      STOCK_EXPIRED_GRACE: '0s',
      KITCHEN_COOK_MS: '50',
    })
  }, 90_000)
  afterAll(() => durable?.stop())

  /** JSON from the API, or undefined when the system is down (the customer tries again). */
  async function call(path: string, init?: RequestInit) {
    try {
      return await durable.json(path, init)
    } catch {
      return undefined
    }
  }

  /** Tries until an answer below 500 comes (a customer, or Stripe, retrying). */
  async function persist(path: string, init: () => RequestInit, give = 240) {
    for (let i = 0; i < give; i++) {
      const res = await call(path, init())
      if (res && res.status < 500) return res
      await sleep(250)
    }
    throw new Error(`${path} never answered`)
  }

  async function customer(i: number): Promise<Seen> {
    const name = `soak${i}`
    const seen: Seen = { customer: name, paymentAccepted: false, cancelAccepted: false }
    // Placing, tried again until it answers: an order stored by a try whose answer was lost is
    // the sweep's to cancel.
    const placed = await persist(`/api/customers/${name}/orders`, () =>
      post({ items: [{ id: ITEM, quantity: 1 + (i % 3) }] }),
    )
    expect(placed.status, JSON.stringify(placed.body)).toBe(201)
    const orderId = placed.body.order.id as string
    seen.orderId = orderId
    let link: string | undefined
    for (let t = 0; t < 240 && !link; t++) {
      link = (await call(`/api/customers/${name}/orders/${orderId}`))?.body?.order?.paymentLink
      if (!link) await sleep(250)
    }
    if (!link) throw new Error(`order ${orderId} never got its payment link`)
    const pay = async () => {
      const event = signedStripeEvent({
        id: `evt_soak_${orderId}`,
        orderId,
        customerId: name,
        sessionId: sessionIdIn(link),
      })
      const res = await persist('/api/payments/webhook', () => ({
        method: 'POST',
        body: event.payload,
        headers: { 'stripe-signature': event.signature, 'content-type': 'application/json' },
      }))
      seen.paymentAccepted = res.status === 200 && !res.body.ignored
    }
    const cancel = async () => {
      const res = await persist(`/api/customers/${name}/orders/${orderId}/cancel`, () => ({
        method: 'POST',
      }))
      seen.cancelAccepted = res.status === 200
    }
    // Most pay, some cancel, some do both at once.
    const choice = i % 5
    if (choice < 3) await pay()
    else if (choice === 3) await cancel()
    else await Promise.all([pay(), cancel()])
    return seen
  }

  /** What stock holds against what the orders say, for a failure's message. */
  async function stockReport(final: Order[], sold: number) {
    const client = new MongoClient(durable.mongoUri)
    try {
      const db = client.db()
      const [item] = await db
        .collection('stock.items')
        .find({ _id: ITEM as never })
        .toArray()
      const reservations = await db.collection('stock.reservations').find().toArray()
      const status = new Map(final.map((o) => [o.id, o.status]))
      const odd = reservations
        .filter((r) => !(r.state === 'committed' && status.get(String(r._id)) === 'ready'))
        .filter((r) => !(r.state === 'released' && status.get(String(r._id)) === 'cancelled'))
        .map((r) => ({
          order: r._id,
          state: r.state,
          lines: r.lines,
          status: status.get(String(r._id)),
        }))
      return JSON.stringify({
        item,
        sold,
        reservations: reservations.length,
        odd: odd.slice(0, 10),
        oddCount: odd.length,
      })
    } finally {
      await client.close()
    }
  }

  it(`places ${ORDERS} orders through ${KILLS} kills of every process, and everything converges`, async () => {
    const stockData = dataOf(stock, await durable.store())
    const before = await stockData.setOnHand(ITEM, 2_000)

    let next = 0
    const seen: Seen[] = []
    const workers = Array.from({ length: CONCURRENCY }, async () => {
      while (next < ORDERS) {
        const i = next++
        seen.push(await customer(i))
      }
    })
    const killer = (async () => {
      // At random moments, each after 1–4 s of the system up again.
      for (let k = 0; k < KILLS; k++) {
        await sleep(1_000 + Math.random() * 3_000)
        await durable.system.killAllAndRestart()
      }
    })()
    await Promise.all([...workers, killer])

    const orderData = dataOf(orders, await durable.store())
    /**
     * An order no customer was told of (its answer was lost; they placed it again), with its
     * payment link: open, it waits for a payment until it expires (ORDER_PAYMENT_TIMEOUT).
     */
    const unclaimed = (o: Order) =>
      Boolean(o.paymentLink) &&
      Date.parse(o.expiresAt) > Date.now() &&
      !seen.some((s) => s.orderId === o.id)
    const settledOrders = async () => {
      const all: Order[] = []
      for (const status of ['pending', 'paid', 'preparing', 'ready', 'cancelled'])
        all.push(...(await orderData.expired(status, '9999-12-31T00:00:00.000Z', 1000)))
      return all
    }
    // Converged: nothing left pending (every order was paid or cancelled, or its placing died
    // and the sweep cancels it), paid ones cooked, late payments refunded.
    const final = await waitFor(
      async () => {
        const all = await settledOrders()
        const moving = all.filter(
          (o) =>
            (o.status === 'pending' && !unclaimed(o)) ||
            o.status === 'paid' ||
            o.status === 'preparing' ||
            o.refund?.status === 'requested',
        )
        return moving.length === 0 ? all : undefined
      },
      { timeoutMs: 120_000, intervalMs: 500, what: 'every order to settle' },
    ).catch(async (err: Error) => {
      const all = await settledOrders()
      const moving = all
        .filter((o) => o.status !== 'ready' && o.status !== 'cancelled')
        .concat(all.filter((o) => o.refund?.status === 'requested'))
        .map((o) => ({
          id: o.id,
          status: o.status,
          link: Boolean(o.paymentLink),
          refund: o.refund,
          expiresAt: o.expiresAt,
          seen: seen.find((x) => x.orderId === o.id),
        }))
      throw new Error(
        `${err.message}: ${moving.length} moving ${JSON.stringify(moving.slice(0, 8))} ${await stockReport(all, 0)}`,
      )
    })
    const byId = new Map(final.map((o) => [o.id, o]))

    // 0 lost payments: each accepted payment made its order ready, or was refunded.
    const lost = seen.filter((s) => {
      if (!s.paymentAccepted) return false
      const o = byId.get(s.orderId!)
      return !(o?.status === 'ready' || o?.refund?.status === 'refunded')
    })
    expect(lost).toEqual([])
    // 0 orders cancelled and paid without a refund.
    const unrefunded = seen.filter(
      (s) =>
        s.paymentAccepted &&
        byId.get(s.orderId!)?.status === 'cancelled' &&
        byId.get(s.orderId!)?.refund?.status !== 'refunded',
    )
    expect(unrefunded).toEqual([])
    // Every acknowledged order is stored, and none was cooked without a payment accepted.
    for (const s of seen.filter((s) => s.orderId)) expect(byId.has(s.orderId!)).toBe(true)
    const cookedUnpaid = final.filter(
      (o) => o.status === 'ready' && !seen.find((s) => s.orderId === o.id)?.paymentAccepted,
    )
    expect(cookedUnpaid).toEqual([])

    // 0 orphaned reservations: the units held are the lines of the orders still open (those
    // placed by a try whose answer was lost, waiting for their payment); stock went down by
    // exactly what was cooked.
    // Open orders expire meanwhile (their payment timeout is short here), so both are read
    // again each time.
    const heldByOpenOrders = async () =>
      (await settledOrders())
        .filter((o) => o.status === 'pending')
        .flatMap((o) => o.items)
        .reduce((n, i) => n + i.quantity, 0)
    let held = 0
    const sold = final
      .filter((o) => o.status === 'ready')
      .flatMap((o) => o.items)
      .reduce((n, i) => n + i.quantity, 0)
    const level = await waitFor(
      async () => {
        held = await heldByOpenOrders()
        const [l] = await stockData.levels([ITEM])
        return l && l.reserved === held && l.onHand === before!.onHand - sold ? l : undefined
      },
      { timeoutMs: 60_000, what: 'stock to hold nothing and be down by what was sold' },
    ).catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await stockReport(final, sold)}`)
    })
    expect(level).toMatchObject({ reserved: held, available: before!.onHand - sold - held })
    expect(await durable.parked()).toEqual([])

    const placed = seen.filter((s) => s.orderId).length
    console.info(
      `soak: ${placed}/${ORDERS} placed, ${final.length} stored, ${final.filter((o) => o.status === 'pending').length} open unclaimed, ${final.filter((o) => o.status === 'ready').length} cooked, ${final.filter((o) => o.refund).length} refunded, ${final.filter((o) => o.status === 'cancelled').length} cancelled, ${KILLS} kills`,
    )
  }, 600_000)
})
