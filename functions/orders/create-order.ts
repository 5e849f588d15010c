// Trigger: gRPC OrderService.CreateOrder — merges duplicate lines, checks the items against the
// menu, reserves its stock (all or nothing), then stores the order, pending until its payment
// expiry, with order.created in the same write. With an idempotency key, the key is claimed
// first (one store insert): a retry answers the order placed under it.
import { createHash, randomUUID } from 'node:crypto'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import type { ContextOf } from '../../runtime/model/domain.ts'
import { crashAt } from '../../shared/crash-points.ts'
import { DomainError } from '../../shared/errors.ts'
import { orderCreated } from '../../shared/events.ts'
import {
  customerIdSchema,
  idempotencyKeySchema,
  parseOrderLines,
} from '../../shared/order-input.ts'
import { zodDetails } from '../../shared/zod-details.ts'
import type { IdempotencyKeyDoc } from './data.ts'
import { orders } from './domain.ts'
import { orderCreatedEvent } from './lib/order-events.ts'

/** How long an idempotency key answers with its order (Stripe keeps keys 24 h). */
export const IDEMPOTENCY_KEY_TTL_MS = 86_400_000

type Ctx = ContextOf<typeof orders>

export default orders.grpcMethod('createOrder', async (request, ctx) => {
  const customer = customerIdSchema.safeParse(request.customerId)
  if (!customer.success)
    throw new DomainError('INVALID_REQUEST', 'invalid customer id', zodDetails(customer.error))
  const lines = parseOrderLines(request.items)
  const orderId = randomUUID()
  // Callers inside the process may leave it out; over gRPC it is '' when unset.
  const key = request.idempotencyKey ?? ''
  if (key === '') return place(ctx, customer.data, lines, orderId).catch(unwrapNotPlaced)

  const checked = idempotencyKeySchema.safeParse(key)
  if (!checked.success)
    throw new DomainError('INVALID_REQUEST', 'invalid Idempotency-Key', zodDetails(checked.error))
  // The items as sent (before merging): the same body is the same list.
  const requestHash = createHash('sha256')
    .update(JSON.stringify(request.items.map((i) => [i.id, i.quantity])))
    .digest('hex')
  const replay = await claimKey(ctx, { customerId: customer.data, key, requestHash, orderId })
  if (replay) return replay
  try {
    return await place(ctx, customer.data, lines, orderId)
  } catch (err) {
    if (err instanceof NotPlaced) throw err.cause
    // Not placed: the key is free again, so a retry places the order.
    await ctx.data.releaseKey(customer.data, key, orderId).catch((cleanup: unknown) => {
      ctx.log.warn({ err: cleanup, orderId }, 'idempotency key not released; a retry takes it over')
    })
    throw err
  }
})

/**
 * Claims the key for `orderId`; answers the order placed under it when the key is held by the
 * same request. A key past its expiry, or whose placing failed, is taken over (a guarded
 * update, so one of racing takeovers wins).
 */
async function claimKey(
  ctx: Ctx,
  claim: { customerId: string; key: string; requestHash: string; orderId: string },
): Promise<CreateOrderResponse | undefined> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const now = Date.now()
    const record = {
      ...claim,
      claimedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + IDEMPOTENCY_KEY_TTL_MS).toISOString(),
    }
    if (await ctx.data.claimKey(record)) return undefined
    const held = await ctx.data.getKey(claim.customerId, claim.key)
    if (!held) continue // released meanwhile
    if (Date.parse(held.expiresAt) > now) {
      if (held.requestHash !== claim.requestHash) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_REUSED',
          'this Idempotency-Key was used with other items',
        )
      }
      const answer = await placedAnswer(ctx, held, now)
      if (answer !== 'failed') return answer
    }
    if (await ctx.data.reclaimKey(held.orderId, record)) return undefined
  }
  throw new DomainError('IDEMPOTENCY_KEY_IN_USE', 'this Idempotency-Key is in use; try again')
}

/**
 * The answer the key's first request got: the order as it was placed (later changes, such as
 * its payment link, are read with GET). Throws IDEMPOTENCY_KEY_IN_USE while it is placed;
 * 'failed' when its placing failed (the order is gone, or cancelled before it was placed).
 */
async function placedAnswer(
  ctx: Ctx,
  held: IdempotencyKeyDoc,
  now: number,
): Promise<CreateOrderResponse | 'failed'> {
  const found = await ctx.data.getPlaced(held.orderId)
  const inUse = () =>
    new DomainError('IDEMPOTENCY_KEY_IN_USE', 'an order with this Idempotency-Key is being placed')
  if (!found) {
    // Not stored yet (its menu check runs), or the process placing it died before it stored it.
    if (now - Date.parse(held.claimedAt) < ctx.settings.placingTimeoutMs) throw inUse()
    return 'failed'
  }
  const { order, placedExpiresAt } = found
  if (placedExpiresAt === undefined) {
    if (order.status === 'pending') throw inUse()
    return 'failed'
  }
  return {
    order: {
      ...order,
      status: 'pending',
      paymentLink: '',
      expiresAt: placedExpiresAt,
      updatedAt: order.createdAt,
      refund: undefined,
    },
  }
}

async function place(
  ctx: Ctx,
  customerId: string,
  lines: ReturnType<typeof parseOrderLines>,
  orderId: string,
): Promise<CreateOrderResponse> {
  const { items, missingIds } = await ctx.clients.menu.getItems({
    ids: lines.map((l) => l.id),
  })
  if (missingIds.length > 0) {
    throw new DomainError('ITEM_NOT_FOUND', `not on the menu: ${missingIds.join(', ')}`, {
      itemIds: missingIds,
    })
  }
  const currencies = new Set(items.map((i) => i.currency))
  if (currencies.size !== 1)
    throw new DomainError('INVALID_REQUEST', 'items in one order must share a currency')

  const placedAt = Date.now()
  const now = new Date(placedAt).toISOString()
  const expiresAt = new Date(placedAt + ctx.settings.paymentTimeoutMs).toISOString()
  const orderItems = lines.map(({ id, quantity }) => {
    const item = items.find((i) => i.id === id)!
    return { id, name: item.name, quantity, priceId: item.priceId, unitAmount: item.unitAmount }
  })
  const order: Order = {
    id: orderId,
    customerId,
    status: 'pending',
    items: orderItems,
    total: orderItems.reduce((sum, i) => sum + i.unitAmount * i.quantity, 0),
    currency: [...currencies][0] as string,
    paymentLink: '',
    createdAt: now,
    updatedAt: now,
    // The order's trace, so later work (the webhook) can link back to it.
    traceParent: ctx.trace.traceparent() ?? '',
    expiresAt,
    refund: undefined,
  }
  // Reserved first, stored second: a refusal (out of stock) stores nothing. Should this process
  // die in between, the reservation is one of an order never stored: stock's sweep releases it
  // once its payment expiry has passed, as it would for an unpaid order.
  await ctx.clients.stock.reserveStock({ orderId, items: lines, expiresAt })
  crashAt('orders.placing.after-reserve')
  // Placed: order.created is stored with the order (the outbox), published whatever happens to
  // this process after it — one write.
  const created = ctx.bus.event(orderCreated, orderCreatedEvent(order))
  let inserted: boolean
  try {
    inserted = await ctx.data.insert(order, [created])
  } catch (err) {
    // Stored or not, nobody can tell here: its reservation stays, for the order if it was
    // stored, else until stock's sweep finds it orderless.
    throw new NotPlaced(err)
  }
  if (!inserted) {
    await ctx.clients.stock.releaseStock({ orderId })
    throw new Error(`order id ${orderId} already taken`)
  }
  ctx.log.info({ orderId, customerId, total: order.total }, 'order created')
  return { order }
}

const unwrapNotPlaced = (err: unknown): never => {
  throw err instanceof NotPlaced ? err.cause : err
}

/**
 * The order's write failed with an unknown outcome (the store went away): the order may be
 * stored. Its idempotency key stays claimed, so a retry waits for the answer rather than
 * placing a second order.
 */
class NotPlaced extends Error {
  override name = 'NotPlaced'
  constructor(override readonly cause: unknown) {
    super('the order may or may not be stored', { cause })
  }
}
