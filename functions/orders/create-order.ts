// Trigger: gRPC OrderService.CreateOrder — merges duplicate lines, checks the items against the
// menu, reserves stock (all or nothing), stores the order as pending and publishes order.created.
import { randomUUID } from 'node:crypto'
import type { Order } from '../../proto/gen/oms.ts'
import { DomainError } from '../../shared/errors.ts'
import { orderCreated } from '../../shared/events.ts'
import { customerIdSchema, parseOrderLines } from '../../shared/order-input.ts'
import { zodDetails } from '../../shared/zod-details.ts'
import { orders } from './domain.ts'
import { orderCreatedEvent } from './lib/order-events.ts'

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
  await ctx.clients.stock.reserveStock({ orderId, items: lines })

  const now = new Date().toISOString()
  const orderItems = lines.map(({ id, quantity }) => {
    const item = items.find((i) => i.id === id)!
    return { id, name: item.name, quantity, priceId: item.priceId, unitAmount: item.unitAmount }
  })
  const order: Order = {
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
  }
  try {
    // order.created is stored with the order (the outbox): published once the order exists,
    // whatever happens to this process after this write.
    await ctx.data.insert(order, [ctx.bus.event(orderCreated, orderCreatedEvent(order))])
  } catch (err) {
    // Not stored: give the stock back.
    ctx.log.error({ err, orderId }, 'order could not be stored; releasing its stock')
    await ctx.clients.stock.releaseStock({ orderId })
    throw new DomainError('UNAVAILABLE', 'the order could not be placed; please try again')
  }
  ctx.log.info({ orderId, customerId: order.customerId, total: order.total }, 'order created')
  return { order }
})
