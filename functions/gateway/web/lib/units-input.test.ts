import { describe, expect, it } from 'vitest'
import { MAX_ON_HAND as STOCK_MAX } from '../../../stock/set-level.ts'
import { MAX_ON_HAND, parseUnits, UNITS_HINT } from './units-input.ts'

describe('parseUnits', () => {
  it('reads a whole number of units', () => {
    expect(parseUnits('12')).toEqual({ ok: true, units: 12 })
    expect(parseUnits(' 0 ')).toEqual({ ok: true, units: 0 })
    expect(parseUnits(String(MAX_ON_HAND))).toEqual({ ok: true, units: MAX_ON_HAND })
  })

  it('says what to enter for anything else', () => {
    expect(UNITS_HINT).toBe('Enter a whole number of units from 0 to 1,000,000.')
    for (const typed of ['', '2.5', '-1', 'ten', '1000001', '1e3'])
      expect(parseUnits(typed), typed).toEqual({ ok: false, message: UNITS_HINT })
  })

  it("has the stock domain's limit", () => {
    expect(MAX_ON_HAND).toBe(STOCK_MAX)
  })
})
