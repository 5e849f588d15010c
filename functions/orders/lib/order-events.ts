/** The events the orders domain publishes, built from an order. */
import type { Order } from '../../../proto/gen/oms.ts'
import type { EventBody } from '../../../shared/events.ts'

export function orderCreatedEvent(order: Order): EventBody<'order.created'> {
  return {
    // Deterministic ids: a re-publish of the same fact is recognisably the same event.
    eventId: `${order.id}:created`,
    orderId: order.id,
    customerId: order.customerId,
    occurredAt: order.createdAt,
    items: order.items.map((i) => ({ ...i })),
    total: order.total,
    currency: order.currency,
    ...(order.expiresAt && { expiresAt: order.expiresAt }),
  }
}

export function orderCancelledEvent(
  order: Order,
  reason: EventBody<'order.cancelled'>['reason'],
): EventBody<'order.cancelled'> {
  return {
    eventId: `${order.id}:cancelled`,
    orderId: order.id,
    customerId: order.customerId,
    occurredAt: order.updatedAt,
    reason,
  }
}

/** The statuses a move announces with order.status-changed. */
const ANNOUNCED = ['paid', 'preparing', 'ready', 'collected'] as const
type Announced = (typeof ANNOUNCED)[number]

export const isAnnounced = (status: string): status is Announced =>
  (ANNOUNCED as readonly string[]).includes(status)

export function statusChangedEvent(
  orderId: string,
  status: Announced,
  occurredAt: string,
): EventBody<'order.status-changed'> {
  return { eventId: `${orderId}:${status}`, orderId, status, occurredAt }
}
