/** What a customer may order: duplicate lines merged, and the limits on lines and quantities. */
import { describe, expect, it } from 'vitest'
import {
  customerIdSchema,
  MAX_LINE_QUANTITY,
  MAX_ORDER_LINES,
  mergeLines,
  orderItemsSchema,
} from './order-input.ts'

const lines = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `item-${i}`, quantity: 1 }))

describe('mergeLines', () => {
  it('adds up lines of the same item, keeping the order items were first seen', () => {
    expect(
      mergeLines([
        { id: 'fries', quantity: 2 },
        { id: 'lemonade', quantity: 1 },
        { id: 'fries', quantity: 1 },
        { id: 'burger', quantity: 4 },
        { id: 'lemonade', quantity: 3 },
      ]),
    ).toEqual([
      { id: 'fries', quantity: 3 },
      { id: 'lemonade', quantity: 4 },
      { id: 'burger', quantity: 4 },
    ])
  })

  it('leaves distinct lines as they are and does not change its input', () => {
    const input = [
      { id: 'a', quantity: 1 },
      { id: 'b', quantity: 2 },
    ]
    const copy = structuredClone(input)
    expect(mergeLines(input)).toEqual(copy)
    expect(input).toEqual(copy)
    expect(mergeLines([])).toEqual([])
  })
})

describe('orderItemsSchema', () => {
  const ok = (value: unknown) => orderItemsSchema.safeParse(value).success

  it(`accepts 1 to ${MAX_ORDER_LINES} lines`, () => {
    expect(ok(lines(1))).toBe(true)
    expect(ok(lines(MAX_ORDER_LINES))).toBe(true)
    expect(ok(lines(MAX_ORDER_LINES + 1))).toBe(false)
    expect(ok([])).toBe(false)
  })

  it(`accepts whole quantities from 1 to ${MAX_LINE_QUANTITY}`, () => {
    expect(ok([{ id: 'fries', quantity: 1 }])).toBe(true)
    expect(ok([{ id: 'fries', quantity: MAX_LINE_QUANTITY }])).toBe(true)
    for (const quantity of [0, -1, 1.5, MAX_LINE_QUANTITY + 1, '2', null]) {
      expect(ok([{ id: 'fries', quantity }]), `quantity ${quantity}`).toBe(false)
    }
  })

  it('refuses bad item ids, missing fields and unknown fields', () => {
    expect(ok([{ id: '', quantity: 1 }])).toBe(false)
    expect(ok([{ id: 'no spaces', quantity: 1 }])).toBe(false)
    expect(ok([{ id: 'x'.repeat(65), quantity: 1 }])).toBe(false)
    expect(ok([{ id: 'x'.repeat(64), quantity: 1 }])).toBe(true)
    expect(ok([{ quantity: 1 }])).toBe(false)
    expect(ok([{ id: 'fries' }])).toBe(false)
    expect(ok([{ id: 'fries', quantity: 1, price: 0 }])).toBe(false)
    expect(ok({ id: 'fries', quantity: 1 })).toBe(false)
  })

  it('merged lines are held to the same per-line limit', () => {
    const merged = mergeLines([
      { id: 'fries', quantity: 30 },
      { id: 'fries', quantity: 30 },
    ])
    expect(ok(merged)).toBe(false)
  })
})

describe('customerIdSchema', () => {
  it('accepts letters, digits, - and _ up to 64 characters', () => {
    for (const id of ['ann', 'Bob_2', 'c-3', 'x'.repeat(64)]) {
      expect(customerIdSchema.safeParse(id).success, id).toBe(true)
    }
    for (const id of ['', 'a b', 'a/b', '<script>', 'x'.repeat(65)]) {
      expect(customerIdSchema.safeParse(id).success, id).toBe(false)
    }
  })
})
