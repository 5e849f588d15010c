import { describe, expect, it } from 'vitest'
import {
  badgeOf,
  CANCEL_SETTLE_MS,
  isFinal,
  refundLine,
  statusLine,
  stepStates,
} from './order-status.ts'

describe('order status for customers', () => {
  it('marks the steps done, current or to come', () => {
    expect(stepStates('pending')).toEqual(['current', 'todo', 'todo', 'todo', 'todo'])
    expect(stepStates('preparing')).toEqual(['done', 'done', 'current', 'todo', 'todo'])
    expect(stepStates('ready')).toEqual(['done', 'done', 'done', 'current', 'todo'])
    expect(stepStates('collected')).toEqual(['done', 'done', 'done', 'done', 'done'])
    expect(stepStates('cancelled')).toEqual(['todo', 'todo', 'todo', 'todo', 'todo'])
  })

  it('knows the final states and the badges', () => {
    expect(
      ['pending', 'paid', 'preparing', 'ready', 'collected', 'cancelled'].filter((s) => isFinal(s)),
    ).toEqual(['collected', 'cancelled'])
    expect(badgeOf('pending')).toBe('Awaiting payment')
    expect(isFinal('cancelled', { status: 'requested' })).toBe(false)
    expect(isFinal('cancelled', { status: 'refunded' })).toBe(true)
    expect(refundLine({ status: 'requested' })).toMatch(/being refunded/)
    expect(refundLine({ status: 'refunded' })).toMatch(/has been refunded/)
    expect(badgeOf('mystery')).toBe('mystery')
  })

  it('reads a pending order by where the customer comes from', () => {
    expect(statusLine('pending', undefined, true)).toBe('Taking you to checkout…')
    expect(statusLine('pending', undefined, false)).toBe('Preparing your checkout…')
    expect(statusLine('pending', 'opened', true)).toBe('Waiting for payment.')
    expect(statusLine('pending', 'success', true)).toMatch(/^Payment received/)
    expect(statusLine('pending', 'cancelled', true, 0)).toBe(
      'Checkout cancelled. Updating your order…',
    )
    expect(statusLine('pending', 'cancelled', true, CANCEL_SETTLE_MS)).toBe(
      'Not paid yet. Pay now, or cancel the order.',
    )
    expect(statusLine('ready', 'success', true)).toBe('Ready for pickup!')
    expect(statusLine('collected', undefined, true)).toMatch(/^Collected/)
  })
})
