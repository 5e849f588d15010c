import { describe, expect, it } from 'vitest'
import type { MenuItem } from './api.ts'
import {
  cartProblems,
  cartTotals,
  lineLimit,
  orderLines,
  parseCart,
  serializeCart,
  setQuantity,
  unitCount,
} from './cart.ts'

const limits = { maxLineQuantity: 50, maxOrderLines: 2 }
const item = (id: string, name: string, available: number, unitAmount = 100): MenuItem => ({
  id,
  name,
  description: '',
  priceId: `price_${id}`,
  unitAmount,
  currency: 'eur',
  available,
})
const menu = new Map(
  [item('fries', 'Fries', 200, 350), item('brownie', 'Brownie', 3, 400), item('pie', 'Pie', 0)].map(
    (i) => [i.id, i],
  ),
)

describe('the cart', () => {
  it('limits a line to what is available, within the per-line limit', () => {
    expect(lineLimit({ available: 200 }, limits)).toBe(50)
    expect(lineLimit({ available: 3 }, limits)).toBe(3)
    expect(lineLimit({ available: -1 }, limits)).toBe(0)
  })

  it('adds, changes and removes lines, keeping the order they were added in', () => {
    let cart = setQuantity(new Map(), 'fries', 1)
    cart = setQuantity(cart, 'brownie', 2)
    cart = setQuantity(cart, 'fries', 3)
    expect(orderLines(cart)).toEqual([
      { id: 'fries', quantity: 3 },
      { id: 'brownie', quantity: 2 },
    ])
    expect(unitCount(cart)).toBe(5)
    expect(cartTotals(cart, menu)).toEqual([{ currency: 'eur', amount: 1850 }])
    expect(orderLines(setQuantity(cart, 'fries', 0))).toEqual([{ id: 'brownie', quantity: 2 }])
  })

  it('says what is wrong with each line, in words', () => {
    const problems = (lines: [string, number][]) => cartProblems(new Map(lines), menu, limits)
    expect(problems([['fries', 2]])).toEqual([])
    expect(problems([['fries', 0]])).toEqual([
      { itemId: 'fries', message: 'Enter a whole number of at least 1 for Fries.' },
    ])
    expect(problems([['fries', 1.5]])[0]?.message).toBe(
      'Enter a whole number of at least 1 for Fries.',
    )
    expect(problems([['fries', Number.NaN]])).toHaveLength(1)
    expect(problems([['fries', 51]])[0]?.message).toBe('You can order at most 50 × Fries at once.')
    expect(problems([['brownie', 4]])[0]?.message).toBe(
      'Only 3 × Brownie left. Lower the quantity to 3 or less.',
    )
    expect(problems([['pie', 1]])[0]?.message).toBe('Pie is sold out. Remove it to continue.')
    expect(problems([['caviar', 1]])[0]?.message).toBe('caviar is no longer on the menu.')
    expect(
      problems([
        ['fries', 1],
        ['brownie', 1],
        ['pie', 1],
      ]).at(-1),
    ).toEqual({ message: 'One order holds at most 2 different items.' })
  })

  it('is saved and read back, dropping anything malformed', () => {
    const cart = new Map([
      ['fries', 2],
      ['brownie', 1],
    ])
    expect(parseCart(serializeCart(cart))).toEqual(cart)
    expect(parseCart(null)).toEqual(new Map())
    expect(parseCart('{not json')).toEqual(new Map())
    expect(parseCart('{"fries":2}')).toEqual(new Map())
    expect(
      parseCart(JSON.stringify([['fries', 2], ['pie', 0], ['x', 'y'], [1, 2], 'z', ['cake', 1.5]])),
    ).toEqual(new Map([['fries', 2]]))
  })
})
