/**
 * The order state machine: pending → paid → preparing → ready → collected; pending → cancelled;
 * nothing else.
 */
import { describe, expect, it } from 'vitest'
import { isDomainError } from './errors.ts'
import {
  allowedFrom,
  canTransition,
  invalidTransition,
  isOrderStatus,
  ORDER_STATUSES,
  type OrderStatus,
} from './order-status.ts'

const ALLOWED: readonly [OrderStatus, OrderStatus][] = [
  ['pending', 'paid'],
  ['pending', 'cancelled'],
  ['paid', 'preparing'],
  ['preparing', 'ready'],
  ['ready', 'collected'],
]
const isAllowed = (from: OrderStatus, to: OrderStatus) =>
  ALLOWED.some(([f, t]) => f === from && t === to)
const REFUSED = ORDER_STATUSES.flatMap((from) =>
  ORDER_STATUSES.filter((to) => !isAllowed(from, to)).map((to) => [from, to] as const),
)

describe('order status moves', () => {
  it.each(ALLOWED)('allows %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(true)
  })

  it.each(REFUSED)('refuses %s → %s', (from, to) => {
    expect(canTransition(from, to)).toBe(false)
  })

  it('refuses every move backwards and out of the final states', () => {
    expect(canTransition('paid', 'pending')).toBe(false)
    expect(canTransition('ready', 'preparing')).toBe(false)
    expect(canTransition('paid', 'cancelled')).toBe(false)
    expect(canTransition('collected', 'ready')).toBe(false)
    for (const to of ORDER_STATUSES) {
      if (to !== 'collected') expect(canTransition('ready', to)).toBe(false)
      expect(canTransition('collected', to)).toBe(false)
      expect(canTransition('cancelled', to)).toBe(false)
    }
  })

  it('names the statuses a move may start from', () => {
    expect(allowedFrom('paid')).toEqual(['pending'])
    expect(allowedFrom('cancelled')).toEqual(['pending'])
    expect(allowedFrom('preparing')).toEqual(['paid'])
    expect(allowedFrom('ready')).toEqual(['preparing'])
    expect(allowedFrom('collected')).toEqual(['ready'])
    expect(allowedFrom('pending')).toEqual([])
  })

  it('recognises the five statuses and nothing else', () => {
    for (const s of ORDER_STATUSES) expect(isOrderStatus(s)).toBe(true)
    for (const s of ['shipped', 'PAID', '', undefined, 1]) expect(isOrderStatus(s)).toBe(false)
  })

  it('describes a refused move as INVALID_TRANSITION with from and to', () => {
    const err = invalidTransition('o-1', 'paid', 'cancelled')
    expect(isDomainError(err)).toBe(true)
    expect(err).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { from: 'paid', to: 'cancelled' },
    })
    expect(err.message).toContain('o-1')
    expect(err.httpStatus).toBe(409)
  })
})
