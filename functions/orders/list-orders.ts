// Trigger: gRPC OrderService.ListOrders — a customer's orders, newest first.

import { grpcMethod } from '../../runtime/model/define.ts'
import { DomainError } from '../../shared/errors.ts'

export default grpcMethod('orders', 'listOrders', async ({ customerId }, ctx) => {
  if (!customerId) throw new DomainError('INVALID_REQUEST', 'customerId is required')
  return { orders: await ctx.store.orders.listByCustomer(customerId) }
})
