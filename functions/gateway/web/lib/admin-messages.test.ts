import { describe, expect, it } from 'vitest'
import { adminMessage, itemProblems, reservedOf, stockMessage } from './admin-messages.ts'
import { ApiError } from './api.ts'

const invalid = (problems: { path: string; message: string }[]) =>
  new ApiError(400, 'INVALID_REQUEST', 'invalid request body', { problems })

describe('itemProblems', () => {
  it("turns the server's problems into a sentence per field of the form", () => {
    const err = invalid([
      { path: 'name', message: 'Too small: expected string to have >=1 characters' },
      { path: 'priceId', message: 'Too small: expected string to have >=1 characters' },
      { path: 'unitAmount', message: 'Invalid input: expected int, received number' },
      { path: 'currency', message: 'currency is a 3-letter ISO 4217 code' },
      { path: 'itemId', message: 'item ids are letters, digits, - and _' },
    ])
    expect(itemProblems(err, 'eur')).toEqual({
      fields: {
        name: 'Enter a name, up to 100 characters.',
        priceId: 'Enter the item’s Stripe price id (e.g. price_apple_pie), up to 255 characters.',
        price: 'Enter a price from 0 to €100,000.00.',
        currency: 'Enter a 3-letter currency code, e.g. eur or usd.',
        id: 'Use letters, digits, - and _ only, up to 64 characters.',
      },
      other: [],
    })
  })

  it('keeps problems of no field, and is empty for other errors', () => {
    expect(
      itemProblems(invalid([{ path: '(body)', message: 'Unrecognized key: "stock"' }]), 'eur'),
    ).toEqual({ fields: {}, other: ['Unrecognized key: "stock"'] })
    expect(
      itemProblems(new ApiError(400, 'INVALID_REQUEST', 'request body must be JSON'), 'eur'),
    ).toEqual({ fields: {}, other: [] })
    expect(itemProblems(new ApiError(0, 'NETWORK', 'fetch failed'), 'eur')).toEqual({
      fields: {},
      other: [],
    })
  })
})

describe('stockMessage', () => {
  // What the stock domain answers (functions/stock/lib/stock-items.ts), through the gateway.
  const refused = (reserved: number) =>
    new ApiError(
      400,
      'INVALID_REQUEST',
      `${reserved} units of brownie are reserved by open orders; on hand cannot go below that`,
      { reserved },
    )

  it('explains a level below what open orders hold', () => {
    expect(reservedOf(refused(3))).toBe(3)
    expect(stockMessage(refused(3), 'Chocolate brownie')).toBe(
      '3 are reserved by open orders: on hand cannot go below 3. Enter 3 or more.',
    )
    expect(stockMessage(refused(1), 'Chocolate brownie')).toBe(
      '1 is reserved by open orders: on hand cannot go below 1. Enter 1 or more.',
    )
  })

  it('says what to enter for a quantity the route refuses, and any other failure in words', () => {
    expect(stockMessage(invalid([{ path: 'quantity', message: 'Too small' }]), 'Fries')).toBe(
      'Enter a whole number of units from 0 to 1,000,000.',
    )
    expect(reservedOf(invalid([{ path: 'quantity', message: 'Too small' }]))).toBeUndefined()
    expect(
      stockMessage(
        new ApiError(404, 'ITEM_NOT_FOUND', 'item fries is not on the menu', { itemId: 'fries' }),
        'Fries',
      ),
    ).toBe(
      'Could not set the stock of Fries: the item is no longer on the menu (it may have been removed meanwhile).',
    )
  })
})

describe('adminMessage', () => {
  const message = (err: ApiError) => adminMessage(err, 'save Apple pie')

  it('says what to do about the session and the network', () => {
    expect(message(new ApiError(401, 'UNAUTHORIZED', 'sign in with the admin credential'))).toBe(
      'You are signed out (the session ended, or the admin credential changed). Reload the page to sign in again.',
    )
    expect(message(new ApiError(403, 'FORBIDDEN', 'this needs the admin credential'))).toBe(
      'This needs the admin credential. Sign out, then sign in as the admin.',
    )
    expect(
      message(
        new ApiError(403, 'FORBIDDEN', 'a change with a session must come from this site’s pages'),
      ),
    ).toBe('That change was refused: changes must be made from this site’s own pages.')
    expect(message(new ApiError(0, 'NETWORK', 'Failed to fetch'))).toBe(
      'The counter’s server does not answer. Check the network and try again.',
    )
  })

  it('never shows a raw body for a failure on the server side', () => {
    expect(message(new ApiError(503, 'UNAVAILABLE', 'menu is unavailable'))).toBe(
      'The menu or stock service is busy or not answering. Try again in a moment.',
    )
    expect(message(new ApiError(500, 'INTERNAL', 'internal error'))).toBe(
      'Something went wrong on the server (error 500). Try again in a moment.',
    )
    expect(message(new ApiError(502, 'HTTP', 'HTTP 502'))).toBe(
      'Something went wrong on the server (error 502). Try again in a moment.',
    )
  })

  it('names what could not be done otherwise', () => {
    expect(message(invalid([{ path: 'name', message: 'Too small' }]))).toBe(
      'Could not save Apple pie: name: Too small.',
    )
    expect(message(new ApiError(413, 'PAYLOAD_TOO_LARGE', 'request body too large'))).toBe(
      'Could not save Apple pie: request body too large.',
    )
  })
})
