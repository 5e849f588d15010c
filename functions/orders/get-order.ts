// Trigger: gRPC OrderService.GetOrder — one order; another customer's order is not found.
import { grpcMethod } from '../../runtime/model/define.ts'
import { findOrder } from './lib/find-order.ts'

export default grpcMethod('orders', 'getOrder', async ({ orderId, customerId }, ctx) => ({
  order: await findOrder(ctx, orderId, customerId),
}))
