// Trigger: gRPC OrderService.ListOrders — a customer's orders, newest first.

import { DomainError } from '../../shared/errors.ts'
import { orders } from './domain.ts'

export default orders.grpcMethod('listOrders', async ({ customerId }, ctx) => {
  if (!customerId) throw new DomainError('INVALID_REQUEST', 'customerId is required')
  return { orders: await ctx.data.listByCustomer(customerId) }
})
