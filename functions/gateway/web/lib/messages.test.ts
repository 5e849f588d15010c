import { describe, expect, it } from 'vitest'
import { ApiError } from './api.ts'
import { cancelMessage, loadMessage, placeOrderMessage } from './messages.ts'

const names: Record<string, string> = { brownie: 'Chocolate brownie', fries: 'Fries' }
const nameOf = (id: string) => names[id] ?? id

describe('placeOrderMessage', () => {
  it('names each item that is short, and how many are left', () => {
    const err = new ApiError(409, 'OUT_OF_STOCK', 'not enough stock', {
      shortages: [
        { itemId: 'brownie', requested: 5, available: 2 },
        { itemId: 'fries', requested: 1, available: 0 },
      ],
    })
    expect(placeOrderMessage(err, nameOf)).toBe(
      'Sorry, only 2 × Chocolate brownie left (you asked for 5). Sorry, Fries is sold out. Please adjust your order and try again.',
    )
  })

  it('names items no longer on the menu', () => {
    const err = new ApiError(404, 'ITEM_NOT_FOUND', 'unknown', { itemIds: ['fries'] })
    expect(placeOrderMessage(err, nameOf)).toBe(
      'Fries is no longer on the menu. Remove it and try again.',
    )
  })

  it.each([
    [
      new ApiError(400, 'INVALID_REQUEST', 'invalid request body', { problems: [] }),
      'Some quantities are not valid: each line needs a whole number of at least 1. Please check your order.',
    ],
    [
      new ApiError(0, 'NETWORK', 'Failed to fetch'),
      'We could not reach the counter. Check your connection and try again.',
    ],
    [
      new ApiError(500, 'INTERNAL', 'internal error'),
      'Something went wrong on our side (error 500). Please try again in a moment.',
    ],
    [
      new ApiError(502, 'HTTP', 'HTTP 502'),
      'Something went wrong on our side (error 502). Please try again in a moment.',
    ],
    [
      new ApiError(503, 'UNAVAILABLE', 'orders down'),
      'The counter is busy right now. Please try again in a moment.',
    ],
    [
      new ApiError(413, 'PAYLOAD_TOO_LARGE', 'too big'),
      'This order is too large to send. Remove some items and try again.',
    ],
    [
      new ApiError(418, 'TEAPOT', 'short and stout'),
      'We could not place your order: short and stout.',
    ],
  ])('explains %s', (err, message) => {
    expect(placeOrderMessage(err, nameOf)).toBe(message)
  })
})

describe('cancelMessage and loadMessage', () => {
  it('says why an order cannot be cancelled', () => {
    const err = new ApiError(409, 'INVALID_TRANSITION', 'no', { from: 'paid', to: 'cancelled' })
    expect(cancelMessage(err)).toBe('This order can no longer be cancelled: it is already paid.')
    expect(cancelMessage(new ApiError(409, 'INVALID_TRANSITION', 'no'))).toBe(
      'This order can no longer be cancelled.',
    )
  })

  it('says an order was not found, or could not be loaded', () => {
    expect(loadMessage(new ApiError(404, 'ORDER_NOT_FOUND', 'x'), 'order')).toMatch(
      /^We could not find this order/,
    )
    expect(loadMessage(new ApiError(0, 'NETWORK', 'x'), 'menu')).toBe(
      'We could not reach the counter. Check your connection and try again.',
    )
  })
})
