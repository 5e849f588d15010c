// Trigger: gRPC OrderService.UpdateOrder — moves an order along its state machine (a conditional
// write, so nothing moves backwards) and/or records its payment link. Repeating a move is a no-op.

import { grpcMethod } from '../../runtime/model/define.ts'
import { DomainError } from '../../shared/errors.ts'
import { allowedFrom, invalidTransition, isOrderStatus } from '../../shared/order-status.ts'
import { findOrder } from './lib/find-order.ts'

export default grpcMethod(
  'orders',
  'updateOrder',
  async ({ orderId, status, paymentLink }, ctx) => {
    if (status && !isOrderStatus(status))
      throw new DomainError('INVALID_REQUEST', `unknown status ${status}`)
    if (!status && !paymentLink)
      throw new DomainError('INVALID_REQUEST', 'nothing to update: give a status or a payment link')
    const current = await findOrder(ctx, orderId)
    if (status && current.status === status && !paymentLink) return { order: current }
    const patch = {
      status: status || undefined,
      paymentLink: paymentLink || undefined,
      updatedAt: new Date().toISOString(),
    }
    const order = await ctx.store.orders.update(
      orderId,
      patch,
      status ? allowedFrom(status as never) : undefined,
    )
    if (!order) {
      const now = await findOrder(ctx, orderId)
      if (now.status === status) return { order: now }
      throw invalidTransition(orderId, now.status, status)
    }
    if (status) ctx.log.info({ orderId, from: current.status, to: status }, 'order status moved')
    return { order }
  },
)
