/**
 * The order state machine: pending → paid → preparing → ready → collected (handed over at the
 * counter); pending → cancelled.
 */
import { DomainError } from './errors.ts'

export const ORDER_STATUSES = [
  'pending',
  'paid',
  'preparing',
  'ready',
  'collected',
  'cancelled',
] as const
export type OrderStatus = (typeof ORDER_STATUSES)[number]

const NEXT: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['paid', 'cancelled'],
  paid: ['preparing'],
  preparing: ['ready'],
  ready: ['collected'],
  collected: [],
  cancelled: [],
}

export function isOrderStatus(value: unknown): value is OrderStatus {
  return typeof value === 'string' && (ORDER_STATUSES as readonly string[]).includes(value)
}

/** The statuses an order may be in for a move to `to` to be allowed. */
export function allowedFrom(to: OrderStatus): OrderStatus[] {
  return ORDER_STATUSES.filter((from) => NEXT[from].includes(to))
}

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to)
}

export function invalidTransition(orderId: string, from: string, to: string): DomainError {
  return new DomainError(
    'INVALID_TRANSITION',
    `order ${orderId} cannot move from ${from} to ${to}`,
    {
      from,
      to,
    },
  )
}
