/**
 * A deployment's history, written straight into its database: for each past order the
 * documents the system leaves behind once the order is done — the order (ready, or cancelled
 * unpaid, with the request its Idempotency-Key placed), its stock reservation (committed or released), its local
 * checkout session, the webhook event that paid it, the runtime's handled-message marks of
 * every consumer it went through and the kitchen's finished job — in the shapes of
 * functions/orders/data.ts, functions/stock/lib/reservations.ts, functions/payments/data.ts,
 * runtime/queue/handled-events.ts and runtime/worker/job-list.ts. Inserted with insertMany in
 * batches of 1,000 orders; nothing of it is pending or due, so no sweep or relay acts on it.
 */
import { createHash, randomUUID } from 'node:crypto'
import { type Document, MongoClient } from 'mongodb'
import { monotonicFactory } from 'ulid'

/** A menu item as GET /api/menu lists it. */
export interface MenuItem {
  id: string
  name: string
  priceId: string
  unitAmount: number
  currency: string
}

export interface SeedResult {
  orders: number
  documents: number
  seconds: number
}

const BATCH = 1000
const CUSTOMERS = 1000
/** Share of past orders cancelled unpaid (the rest were paid, cooked and are ready). */
const CANCELLED = 0.1
const DAY_MS = 86_400_000
/** Connections inserting at once (more do not help: FerretDB and PostgreSQL keep the cores busy). */
const WRITERS = 2

const seq = monotonicFactory(Math.random)
const iso = (ms: number) => new Date(ms).toISOString()
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const traceParent = () =>
  `00-${randomUUID().replaceAll('-', '')}-${randomUUID().replaceAll('-', '').slice(0, 16)}-01`

type Batch = Record<string, Document[]>

/** The documents one past order left behind, added to `batch` per collection. */
function pastOrder(batch: Batch, n: number, menu: readonly MenuItem[], publicUrl: string) {
  const add = (collection: string, doc: Document) => {
    batch[collection] ??= []
    batch[collection].push(doc)
  }
  const orderId = randomUUID()
  const customerId = `c${String(n % CUSTOMERS).padStart(4, '0')}`
  const createdMs = Date.now() - DAY_MS * 30 + Math.floor(Math.random() * DAY_MS * 29)
  const cancelled = Math.random() < CANCELLED
  const picked = [menu[n % menu.length], menu[(n * 7 + 3) % menu.length]].filter(
    (item, i, all): item is MenuItem => item !== undefined && all.indexOf(item) === i,
  )
  const items = picked.map((item, i) => ({
    id: item.id,
    name: item.name,
    quantity: i === 0 ? 2 : 1,
    priceId: item.priceId,
    unitAmount: item.unitAmount,
  }))
  const total = items.reduce((sum, i) => sum + i.quantity * i.unitAmount, 0)
  const sessionId = `cs_local_${randomUUID().replaceAll('-', '')}`
  const expiresAt = iso(createdMs + 30 * 60_000)
  const doneMs = createdMs + (cancelled ? 30 * 60_000 : 60_000)
  const trace = traceParent()
  add('orders.orders', {
    _id: orderId,
    customerId,
    status: cancelled ? 'cancelled' : 'ready',
    items,
    total,
    currency: picked[0]?.currency ?? 'eur',
    paymentLink: cancelled ? '' : `${publicUrl}/checkout/${sessionId}`,
    createdAt: iso(createdMs),
    updatedAt: iso(doneMs),
    traceParent: trace,
    expiresAt,
    seq: seq(createdMs),
    placedExpiresAt: expiresAt,
    placedWith: sha256(JSON.stringify(items.map((i) => [i.id, i.quantity]))),
  })
  add('stock.reservations', {
    _id: orderId,
    attempt: randomUUID(),
    lines: items.map((i) => ({ itemId: i.id, quantity: i.quantity })),
    state: cancelled ? 'released' : 'committed',
    at: doneMs,
  })
  add('payments.checkout_sessions', {
    _id: orderId,
    sessionId,
    customerId,
    currency: picked[0]?.currency ?? 'eur',
    successUrl: `${publicUrl}/orders/${customerId}/${orderId}?paid=1`,
    cancelUrl: `${publicUrl}/orders/${customerId}/${orderId}`,
    expiresAt,
    traceParent: trace,
    lines: items.map((i) => ({
      priceId: i.priceId,
      name: i.name,
      quantity: i.quantity,
      unitAmount: i.unitAmount,
    })),
    status: cancelled ? 'expired' : 'complete',
  })
  const handled = (fn: string) => {
    const messageId = randomUUID()
    add('runtime.handled_events', { _id: `${fn}/${messageId}`, fn, messageId, at: doneMs })
  }
  handled('payments.on-order-created')
  if (cancelled) {
    for (const fn of ['orders.on-order-cancelled', 'stock.on-order-cancelled']) handled(fn)
    handled('payments.on-order-cancelled')
    return
  }
  add('payments.webhook_events', {
    _id: `evt_local_${randomUUID().replaceAll('-', '')}`,
    at: doneMs,
  })
  for (const fn of ['orders.on-order-paid', 'stock.on-order-paid']) handled(fn)
  add('runtime.jobs', {
    _id: `kitchen.cook/${orderId}`,
    queue: 'kitchen.cook',
    jobId: orderId,
    payload: JSON.stringify({
      eventId: randomUUID(),
      orderId,
      customerId,
      occurredAt: iso(createdMs),
    }),
    attempts: 1,
    state: 'done',
    runAt: createdMs,
    leaseUntil: doneMs,
  })
}

/** Writes `orders` past orders into the database at `uri`. */
export async function seedOrders(options: {
  uri: string
  orders: number
  menu: readonly MenuItem[]
  publicUrl: string
}): Promise<SeedResult> {
  const { uri, orders, menu, publicUrl } = options
  if (menu.length === 0) throw new Error('no menu items to order')
  const client = new MongoClient(uri, { maxPoolSize: WRITERS })
  await client.connect()
  const t0 = performance.now()
  let documents = 0
  try {
    const db = client.db()
    for (let first = 0; first < orders; first += BATCH) {
      const batch: Batch = {}
      for (let n = first; n < Math.min(orders, first + BATCH); n++)
        pastOrder(batch, n, menu, publicUrl)
      await Promise.all(
        Object.entries(batch).map(([name, docs]) => {
          documents += docs.length
          return db.collection(name).insertMany(docs, { ordered: false })
        }),
      )
    }
  } finally {
    await client.close()
  }
  return { orders, documents, seconds: (performance.now() - t0) / 1000 }
}
