// Trigger: gRPC OrderService.CreateOrder — merges duplicate lines, checks the items against the
// menu, stores the order as pending (expiring soon), reserves its stock (all or nothing), then
// gives it its payment expiry and publishes order.created with that write.
import { randomUUID } from 'node:crypto'
import type { Order } from '../../proto/gen/oms.ts'
import type { ContextOf } from '../../runtime/model/domain.ts'
import { crashAt } from '../../shared/crash-points.ts'
import { DomainError, isDomainError } from '../../shared/errors.ts'
import { orderCancelled, orderCreated } from '../../shared/events.ts'
import { customerIdSchema, parseOrderLines } from '../../shared/order-input.ts'
import { zodDetails } from '../../shared/zod-details.ts'
import { orders } from './domain.ts'
import { orderCancelledEvent, orderCreatedEvent } from './lib/order-events.ts'

export default orders.grpcMethod('createOrder', async (request, ctx) => {
  const customer = customerIdSchema.safeParse(request.customerId)
  if (!customer.success)
    throw new DomainError('INVALID_REQUEST', 'invalid customer id', zodDetails(customer.error))
  const lines = parseOrderLines(request.items)

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

  const orderId = randomUUID()
  const placedAt = Date.now()
  const now = new Date(placedAt).toISOString()
  const orderItems = lines.map(({ id, quantity }) => {
    const item = items.find((i) => i.id === id)!
    return { id, name: item.name, quantity, priceId: item.priceId, unitAmount: item.unitAmount }
  })
  const placing: Order = {
    id: orderId,
    customerId: customer.data,
    status: 'pending',
    items: orderItems,
    total: orderItems.reduce((sum, i) => sum + i.unitAmount * i.quantity, 0),
    currency: [...currencies][0] as string,
    paymentLink: '',
    createdAt: now,
    updatedAt: now,
    // The order's trace, so later work (the webhook) can link back to it.
    traceParent: ctx.trace.traceparent() ?? '',
    // Until its stock is reserved: should this process die now, the sweep cancels the order
    // soon and whatever got reserved for it is given back.
    expiresAt: new Date(placedAt + ctx.settings.placingTimeoutMs).toISOString(),
    refund: undefined,
  }
  // Stored before any stock is held for it: every reservation belongs to a stored order.
  if (!(await ctx.data.insert(placing))) throw new Error(`order id ${orderId} already taken`)
  crashAt('orders.placing.after-insert')
  try {
    await ctx.clients.stock.reserveStock({ orderId, items: lines })
  } catch (err) {
    await abandon(ctx, placing, err)
    throw err
  }
  crashAt('orders.placing.after-reserve')
  // Placed: order.created is stored with this write (the outbox), published whatever happens
  // to this process after it. The guard loses to a cancel (the sweep, the customer) first.
  const expiresAt = new Date(placedAt + ctx.settings.paymentTimeoutMs).toISOString()
  const created = ctx.bus.event(orderCreated, orderCreatedEvent({ ...placing, expiresAt }))
  const order = await ctx.data.update(
    orderId,
    { expiresAt, updatedAt: now },
    ['pending'],
    [created],
  )
  if (!order) {
    await ctx.clients.stock.releaseStock({ orderId })
    throw new DomainError('UNAVAILABLE', 'the order was cancelled while it was placed; try again')
  }
  ctx.log.info({ orderId, customerId: order.customerId, total: order.total }, 'order created')
  return { order }
})

/**
 * The reservation failed: an order refused for its stock is deleted (nothing is held for it);
 * after any other failure the order is cancelled, so whatever the reservation may have held is
 * given back. Should this fail too, the sweep cancels the order once its placing expires.
 */
async function abandon(ctx: ContextOf<typeof orders>, order: Order, err: unknown) {
  try {
    if (isDomainError(err) && err.code === 'OUT_OF_STOCK') {
      await ctx.data.deleteWhile(order.id, 'pending')
      return
    }
    const updatedAt = new Date().toISOString()
    const cancelled = ctx.bus.event(
      orderCancelled,
      orderCancelledEvent({ ...order, updatedAt }, 'not_placed'),
    )
    await ctx.data.update(order.id, { status: 'cancelled', updatedAt }, ['pending'], [cancelled])
    ctx.log.warn({ err, orderId: order.id }, 'order could not be placed; cancelled')
  } catch (cleanup) {
    ctx.log.error({ err: cleanup, orderId: order.id }, 'placing failed; the sweep will cancel it')
  }
}
