import { describe, expect, it } from 'vitest'
import { formatMoney, formatTotals, totalsByCurrency } from './money.ts'

describe('formatMoney', () => {
  it('reads amounts in the minor unit of the currency, in any case', () => {
    expect(formatMoney(950, 'eur', 'en-US')).toBe('€9.50')
    expect(formatMoney(950, 'EUR', 'de-DE')).toMatch(/^9,50\s€$/)
    expect(formatMoney(1999, 'usd', 'en-US')).toBe('$19.99')
    expect(formatMoney(500, 'jpy', 'en-US')).toBe('¥500')
    expect(formatMoney(1234, 'bhd', 'en-US')).toMatch(/^BHD\s1\.234$/)
  })

  it('still shows the amount for a code Intl does not know', () => {
    expect(formatMoney(950, 'not-a-code', 'en-US')).toBe('9.50 NOT-A-CODE')
  })
})

describe('totals', () => {
  it('sums per currency and joins mixed currencies', () => {
    const totals = totalsByCurrency([
      { amount: 950, currency: 'eur' },
      { amount: 400, currency: 'usd' },
      { amount: 350, currency: 'eur' },
    ])
    expect(totals).toEqual([
      { currency: 'eur', amount: 1300 },
      { currency: 'usd', amount: 400 },
    ])
    expect(formatTotals(totals, 'en-US')).toBe('€13.00 + $4.00')
  })
})
