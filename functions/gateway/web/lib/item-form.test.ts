import { describe, expect, it } from 'vitest'
import { menuItemBody } from '../../lib/api-schemas.ts'
import { type ItemFormValues, problemSummary, readItemForm, slugFrom } from './item-form.ts'

const pie: ItemFormValues = {
  id: 'apple-pie',
  name: ' Apple pie ',
  description: 'Warm, with cinnamon',
  price: '5.50',
  currency: 'EUR',
  priceId: 'price_pie',
}
const adding = { adding: true, takenIds: new Set(['burger', 'fries']) }

describe('slugFrom', () => {
  it('makes a lower-case id of letters, digits and dashes from a name', () => {
    expect(slugFrom('Apple pie')).toBe('apple-pie')
    expect(slugFrom('  Crème brûlée!  ')).toBe('creme-brulee')
    expect(slugFrom('Fish & chips (large)')).toBe('fish-chips-large')
    expect(slugFrom('7UP')).toBe('7up')
    expect(slugFrom('¿?')).toBe('')
    expect(slugFrom('a'.repeat(80))).toHaveLength(64)
  })
})

describe('readItemForm', () => {
  it('reads the values into the exact body the admin route takes', () => {
    const reading = readItemForm(pie, adding)
    expect(reading).toEqual({
      ok: true,
      id: 'apple-pie',
      fields: {
        name: 'Apple pie',
        description: 'Warm, with cinnamon',
        priceId: 'price_pie',
        unitAmount: 550,
        currency: 'eur',
      },
    })
    // The route's schema is strict: no field more, none less.
    if (reading.ok) expect(menuItemBody.safeParse(reading.fields).success).toBe(true)
  })

  it('asks for a lower-case slug of an id that is not taken when adding', () => {
    const idProblem = (id: string) => {
      const reading = readItemForm({ ...pie, id }, adding)
      return reading.ok ? undefined : reading.problems.id
    }
    expect(idProblem('')).toBe(
      'Enter an id. Lower-case letters, digits and dashes, e.g. apple-pie.',
    )
    for (const id of ['Apple-pie', 'apple pie', 'apple--pie', '-pie', 'pie_2', 'a'.repeat(65)])
      expect(idProblem(id), id).toBe(
        'Use lower-case letters, digits and single dashes (e.g. apple-pie), up to 64 characters.',
      )
    expect(idProblem('fries')).toBe(
      'There is already an item with the id fries. Choose another id, or edit that item instead.',
    )
  })

  it('keeps the id of the item edited, whatever is taken', () => {
    const reading = readItemForm({ ...pie, id: 'burger' }, { ...adding, adding: false })
    expect(reading.ok && reading.id).toBe('burger')
  })

  it('names every problem it finds at once', () => {
    expect(readItemForm({ ...pie, id: 'Bad id', price: 'free' }, adding)).toEqual({
      ok: false,
      problems: {
        id: 'Use lower-case letters, digits and single dashes (e.g. apple-pie), up to 64 characters.',
        price: 'Enter the price as a plain number, e.g. 3.50.',
      },
    })
  })

  it('leaves the rest to the server (which says it by field)', () => {
    const reading = readItemForm({ ...pie, name: '  ', currency: 'euro', priceId: '' }, adding)
    expect(reading.ok).toBe(true)
  })
})

describe('problemSummary', () => {
  it('names the fields at fault, in the order of the form', () => {
    expect(problemSummary({})).toBe('')
    expect(problemSummary({ price: 'x' })).toBe('Price needs a change: see below.')
    expect(problemSummary({ currency: 'x', name: 'y' })).toBe(
      '2 fields need a change: Name and Currency.',
    )
    expect(problemSummary({ priceId: 'x', id: 'y', price: 'z' })).toBe(
      '3 fields need a change: Id, Price and Stripe price id.',
    )
  })
})
