// Trigger: gRPC OrderService.GetOrder — one order; another customer's order is not found.
import { orders } from './domain.ts'
import { findOrder } from './lib/find-order.ts'

export default orders.grpcMethod('getOrder', async ({ orderId, customerId }, ctx) => ({
  order: await findOrder(ctx, orderId, customerId),
}))
