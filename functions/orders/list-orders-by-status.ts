// Trigger: gRPC OrderService.ListOrdersByStatus — the orders in some statuses (the kitchen's
// queue: paid, preparing, ready), oldest placed first, through the status index.

import { DomainError } from '../../shared/errors.ts'
import { isOrderStatus } from '../../shared/order-status.ts'
import { orders } from './domain.ts'

/** Orders of each status listed when the caller gives no limit. */
export const DEFAULT_STATUS_LIMIT = 200
/** Most orders of each status one call lists. */
export const MAX_STATUS_LIMIT = 500

export default orders.grpcMethod(
  'listOrdersByStatus',
  async ({ statuses, placedSince, limit }, ctx) => {
    if (statuses.length === 0) throw new DomainError('INVALID_REQUEST', 'name at least one status')
    for (const status of statuses)
      if (!isOrderStatus(status))
        throw new DomainError('INVALID_REQUEST', `unknown status ${status}`)
    if (placedSince && Number.isNaN(Date.parse(placedSince)))
      throw new DomainError('INVALID_REQUEST', 'placedSince must be an RFC 3339 time')
    if (limit < 0 || limit > MAX_STATUS_LIMIT)
      throw new DomainError('INVALID_REQUEST', `limit must be 0 to ${MAX_STATUS_LIMIT}`)
    const each = limit || DEFAULT_STATUS_LIMIT
    const since = placedSince ? new Date(placedSince).toISOString() : ''
    const lists = await Promise.all(
      [...new Set(statuses)].map((status) => ctx.data.listByStatus(status, since, each)),
    )
    const found = lists
      .flat()
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id))
    return { orders: found }
  },
)
