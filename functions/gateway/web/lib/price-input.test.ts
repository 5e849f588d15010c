import { describe, expect, it } from 'vitest'
import { currencyDecimals, MAX_UNIT_AMOUNT, parsePrice, priceInputValue } from './price-input.ts'

describe('parsePrice', () => {
  it('reads the major unit into the minor unit, with a point or a comma', () => {
    expect(parsePrice('3.50', 'eur')).toEqual({ ok: true, amount: 350 })
    expect(parsePrice(' 3,50 ', 'eur')).toEqual({ ok: true, amount: 350 })
    expect(parsePrice('3.5', 'eur')).toEqual({ ok: true, amount: 350 })
    expect(parsePrice('3', 'EUR')).toEqual({ ok: true, amount: 300 })
    expect(parsePrice('3.', 'eur')).toEqual({ ok: true, amount: 300 })
    expect(parsePrice('.5', 'eur')).toEqual({ ok: true, amount: 50 })
    expect(parsePrice('0', 'eur')).toEqual({ ok: true, amount: 0 })
  })

  it('never loses a cent to floating point', () => {
    expect(parsePrice('4.35', 'eur')).toEqual({ ok: true, amount: 435 })
    expect(parsePrice('0.29', 'usd')).toEqual({ ok: true, amount: 29 })
    expect(parsePrice('1.15', 'eur')).toEqual({ ok: true, amount: 115 })
  })

  it("follows the currency's decimals", () => {
    expect(parsePrice('500', 'jpy')).toEqual({ ok: true, amount: 500 })
    expect(parsePrice('1.234', 'bhd')).toEqual({ ok: true, amount: 1234 })
    expect(parsePrice('5.5', 'jpy')).toEqual({
      ok: false,
      message: 'Prices in JPY have no decimals: enter e.g. 350.',
    })
  })

  it('says what to type instead', () => {
    expect(parsePrice('', 'eur')).toEqual({ ok: false, message: 'Enter a price, e.g. 3.50.' })
    for (const typed of ['abc', '-1', '€3.50', '1,000.50', '3.5.0', '1e3'])
      expect(parsePrice(typed, 'eur'), typed).toEqual({
        ok: false,
        message: 'Enter the price as a plain number, e.g. 3.50.',
      })
    expect(parsePrice('3.505', 'eur')).toEqual({
      ok: false,
      message: 'Use at most 2 decimals, e.g. 3.50.',
    })
  })

  it('refuses more than the menu accepts', () => {
    expect(parsePrice('100000', 'eur')).toEqual({ ok: true, amount: MAX_UNIT_AMOUNT })
    const tooHigh = { ok: false, message: 'The price can be at most €100,000.00.' }
    expect(parsePrice('100000.01', 'eur')).toEqual(tooHigh)
    expect(parsePrice('99999999999999999999', 'eur')).toEqual(tooHigh)
  })
})

describe('priceInputValue', () => {
  it('shows an amount for editing, and reads back the same', () => {
    expect(priceInputValue(350, 'eur')).toBe('3.50')
    expect(priceInputValue(5, 'eur')).toBe('0.05')
    expect(priceInputValue(1000, 'usd')).toBe('10.00')
    expect(priceInputValue(500, 'jpy')).toBe('500')
    for (const amount of [0, 1, 99, 435, 950, 123456])
      expect(parsePrice(priceInputValue(amount, 'eur'), 'eur')).toEqual({ ok: true, amount })
  })

  it('counts two decimals for a code Intl does not know', () => {
    expect(currencyDecimals('not-a-code')).toBe(2)
    expect(currencyDecimals('')).toBe(2)
    expect(currencyDecimals('jpy')).toBe(0)
  })
})
