// Trigger: gRPC OrderService.UpdateOrder — moves an order along its state machine and/or records
// its payment link. A move is one write guarded on the statuses it may come from, so nothing
// moves backwards however events interleave; repeating a move is a no-op (then read to tell).

import type { Order } from '../../proto/gen/oms.ts'
import { DomainError } from '../../shared/errors.ts'
import { orderStatusChanged } from '../../shared/events.ts'
import { allowedFrom, invalidTransition, isOrderStatus } from '../../shared/order-status.ts'
import { orders } from './domain.ts'
import { findOrder, orderNotFound } from './lib/find-order.ts'
import { isAnnounced, statusChangedEvent } from './lib/order-events.ts'

/** Where payment links may point: Stripe Checkout's pages, and the local checkout's. */
const STRIPE_CHECKOUT = 'https://checkout.stripe.com/'

export function isPaymentLink(link: string, publicUrl: string): boolean {
  return link.startsWith(STRIPE_CHECKOUT) || link.startsWith(`${publicUrl}/checkout/`)
}

export default orders.grpcMethod('updateOrder', async ({ orderId, status, paymentLink }, ctx) => {
  const target = status || undefined
  if (target !== undefined && !isOrderStatus(target)) {
    throw new DomainError('INVALID_REQUEST', `unknown status ${target}`)
  }
  if (!target && !paymentLink) {
    throw new DomainError('INVALID_REQUEST', 'nothing to update: give a status or a payment link')
  }
  // The order page sends the customer there: only to the payment provider or our own checkout.
  if (paymentLink && !isPaymentLink(paymentLink, ctx.publicUrl)) {
    throw new DomainError(
      'INVALID_REQUEST',
      'a payment link must be Stripe Checkout or this system’s own checkout',
    )
  }
  const updatedAt = new Date().toISOString()
  if (target === undefined) {
    // The link alone: whatever the status (payments expires the session of a cancelled order).
    const order = await ctx.data.update(orderId, { paymentLink, updatedAt })
    if (!order) throw orderNotFound(orderId)
    return { order }
  }
  // The move, written at once while the order is in a status it may move from: one command,
  // which stores order.status-changed with it for the live views.
  const events = isAnnounced(target)
    ? [ctx.bus.event(orderStatusChanged, statusChangedEvent(orderId, target, updatedAt))]
    : undefined
  const order = await ctx.data.update(
    orderId,
    { status: target, paymentLink: paymentLink || undefined, updatedAt },
    allowedFrom(target),
    events,
  )
  if (order) {
    ctx.log.info({ orderId, to: target }, 'order status moved')
    return { order }
  }
  // Refused: missing, already there (a repeat: a no-op, with its link if one came), or past it.
  const current: Order = await findOrder(ctx, orderId)
  if (current.status !== target) throw invalidTransition(orderId, current.status, target)
  if (!paymentLink) return { order: current }
  const linked = await ctx.data.update(orderId, { paymentLink, updatedAt })
  return { order: linked ?? current }
})
