// Trigger: gRPC OrderService.UpdateOrder — moves an order along its state machine and/or records
// its payment link. The write is a compare-and-set on the status just read, so nothing moves
// backwards however events interleave; repeating a move is a no-op.

import type { Order } from '../../proto/gen/oms.ts'
import { DomainError } from '../../shared/errors.ts'
import {
  canTransition,
  invalidTransition,
  isOrderStatus,
  type OrderStatus,
} from '../../shared/order-status.ts'
import { orders } from './domain.ts'
import { findOrder } from './lib/find-order.ts'

/** Where payment links may point: Stripe Checkout's pages, and the local checkout's. */
const STRIPE_CHECKOUT = 'https://checkout.stripe.com/'

export function isPaymentLink(link: string, publicUrl: string): boolean {
  return link.startsWith(STRIPE_CHECKOUT) || link.startsWith(`${publicUrl}/checkout/`)
}

/** Reads and conditional writes tried before giving up on an order that keeps changing. */
const MAX_ROUNDS = 3

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
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current: Order = await findOrder(ctx, orderId)
    const moving = target !== undefined && target !== current.status
    if (!moving && !paymentLink) return { order: current }
    if (moving && !canTransition(current.status as OrderStatus, target)) {
      throw invalidTransition(orderId, current.status, target)
    }
    const patch = {
      status: moving ? target : undefined,
      paymentLink: paymentLink || undefined,
      updatedAt: new Date().toISOString(),
    }
    const order = await ctx.data.update(orderId, patch, [current.status])
    if (order) {
      if (moving) ctx.log.info({ orderId, from: current.status, to: target }, 'order status moved')
      return { order }
    }
  }
  throw new DomainError('UNAVAILABLE', `order ${orderId} kept changing; try again`)
})
