// Trigger: gRPC OrderService.CreateOrder — merges duplicate lines, checks the items against the
// menu, reserves its stock (all or nothing), then stores the order, pending until its payment
// expiry, with order.created in the same write. With an idempotency key, the order's id is
// derived from (customer, key): reserving and storing are each once per id, so a retry — or a
// racing twin — answers the order placed under the key, and costs no store command more.
import { createHash, randomUUID } from 'node:crypto'
import type { CreateOrderResponse, Order } from '../../proto/gen/oms.ts'
import type { ContextOf } from '../../runtime/model/domain.ts'
import { crashAt } from '../../shared/crash-points.ts'
import { DomainError, isDomainError } from '../../shared/errors.ts'
import { orderCreated } from '../../shared/events.ts'
import {
  customerIdSchema,
  idempotencyKeySchema,
  parseOrderLines,
} from '../../shared/order-input.ts'
import { zodDetails } from '../../shared/zod-details.ts'
import { orders } from './domain.ts'
import { orderCreatedEvent } from './lib/order-events.ts'

type Ctx = ContextOf<typeof orders>

/** The order id of a customer's idempotency key: a UUID (version 8) of their hash. */
export function keyedOrderId(customerId: string, key: string): string {
  const hex = createHash('sha256')
    .update(JSON.stringify(['order', customerId, key]))
    .digest('hex')
  const variant = ((Number.parseInt(hex[16] as string, 16) & 0x3) | 0x8).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

const reused = () =>
  new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with other items')

export default orders.grpcMethod('createOrder', async (request, ctx) => {
  const customer = customerIdSchema.safeParse(request.customerId)
  if (!customer.success)
    throw new DomainError('INVALID_REQUEST', 'invalid customer id', zodDetails(customer.error))
  const lines = parseOrderLines(request.items)
  // Callers inside the process may leave it out; over gRPC it is '' when unset.
  const key = request.idempotencyKey ?? ''
  if (key === '') return place(ctx, customer.data, lines, randomUUID())

  const checked = idempotencyKeySchema.safeParse(key)
  if (!checked.success)
    throw new DomainError('INVALID_REQUEST', 'invalid Idempotency-Key', zodDetails(checked.error))
  // The items as sent (before merging): the same body is the same list.
  const requestHash = createHash('sha256')
    .update(JSON.stringify(request.items.map((i) => [i.id, i.quantity])))
    .digest('hex')
  const orderId = keyedOrderId(customer.data, key)
  try {
    return await place(ctx, customer.data, lines, orderId, requestHash)
  } catch (err) {
    // Reserved already with other lines: the key was used for other items.
    if (isDomainError(err) && err.code === 'INVALID_TRANSITION') throw reused()
    throw err
  }
})

/**
 * The answer the key's first request got: the order as it was placed (later changes, such as
 * its payment link, are read with GET); IDEMPOTENCY_KEY_REUSED for other items.
 */
async function placedAnswer(
  ctx: Ctx,
  orderId: string,
  requestHash: string,
): Promise<CreateOrderResponse | undefined> {
  const found = await ctx.data.getPlaced(orderId)
  if (!found) return undefined
  const { order, placedExpiresAt, placedWith } = found
  if (placedWith !== requestHash) throw reused()
  return {
    order: {
      ...order,
      status: 'pending',
      paymentLink: '',
      expiresAt: placedExpiresAt ?? order.expiresAt,
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
  /** With an idempotency key: the request's hash, stored with the order. */
  requestHash?: string,
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
  // once its payment expiry has passed, as it would for an unpaid order — unless a retry with
  // the same idempotency key stores the order first.
  const { released } = await ctx.clients.stock.reserveStock({ orderId, items: lines, expiresAt })
  crashAt('orders.placing.after-reserve')
  if (released) {
    // Only a keyed id comes back: its order was placed and cancelled, or given up and swept.
    const answer = requestHash && (await placedAnswer(ctx, orderId, requestHash))
    if (answer) return answer
    throw new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      'the order of this Idempotency-Key was not placed and has been given up; use a new key',
    )
  }
  // Placed: order.created is stored with the order (the outbox), published whatever happens to
  // this process after it — one write. Stored or not when it fails, nobody can tell here: its
  // reservation stays, for the order if it was stored, else until stock's sweep finds it
  // orderless (or a retry with the key stores it).
  const created = ctx.bus.event(orderCreated, orderCreatedEvent(order))
  if (await ctx.data.insert(order, [created], requestHash)) {
    ctx.log.info({ orderId, customerId, total: order.total }, 'order created')
    return { order }
  }
  // The id is taken: by the key's first request (a retry or a racing twin).
  const answer = requestHash && (await placedAnswer(ctx, orderId, requestHash))
  if (answer) return answer
  throw new Error(`order id ${orderId} already taken`)
}
