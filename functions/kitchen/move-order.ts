// Trigger: gRPC KitchenService.MoveOrder — the kitchen display's buttons: Start (preparing),
// Ready (ready, announced with order.ready) and Collected. A double tap, or two displays
// pressing at once, moves an order once; a move backwards is refused (INVALID_TRANSITION).

import { DomainError } from '../../shared/errors.ts'
import { kitchen } from './domain.ts'
import { isKitchenStatus, KITCHEN_STATUSES, moveOrder } from './lib/move.ts'

export default kitchen.grpcMethod('moveOrder', async ({ orderId, status }, ctx) => {
  if (!orderId) throw new DomainError('INVALID_REQUEST', 'orderId is required')
  if (!isKitchenStatus(status))
    throw new DomainError(
      'INVALID_REQUEST',
      `the kitchen moves an order to ${KITCHEN_STATUSES.join(', ')}, not ${status || 'nothing'}`,
    )
  return { order: await moveOrder(orderId, status, ctx) }
})
