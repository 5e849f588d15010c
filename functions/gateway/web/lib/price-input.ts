/**
 * Prices as the owner types them: in the currency's major unit (`3.50` euros), turned into the
 * integer minor-unit amount the API stores (350 cents), and back for editing. Integer
 * arithmetic only, so `4.35` is 435 and never 434.99….
 */
import { formatMoney } from './money.ts'

/** Largest amount the menu accepts (`unitAmount` in shared/menu-item.ts), in minor units. */
export const MAX_UNIT_AMOUNT = 10_000_000

/** Digits after the decimal point of a currency: 2 for eur, 0 for jpy; 2 when unknown. */
export function currencyDecimals(currency: string): number {
  try {
    const format = new Intl.NumberFormat('en', { style: 'currency', currency: currency.trim() })
    return format.resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    // Not a code Intl knows (yet: the owner may still be typing it); money.ts shows cents too.
    return 2
  }
}

export type PriceReading = { ok: true; amount: number } | { ok: false; message: string }

/** `3.50`, `3,50`, `3.5` or `3` (eur) → 350; what is wrong, in words, otherwise. */
export function parsePrice(text: string, currency: string): PriceReading {
  const decimals = currencyDecimals(currency)
  const example = decimals === 0 ? '350' : `3.${'5'.padEnd(decimals, '0')}`
  const typed = text.trim()
  if (typed === '') return { ok: false, message: `Enter a price, e.g. ${example}.` }
  // A comma is read as the decimal mark too (as in 3,50): no thousands separators.
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(typed) ?? /^()[.,](\d+)$/.exec(typed)
  if (!match) return { ok: false, message: `Enter the price as a plain number, e.g. ${example}.` }
  const whole = match[1] || '0'
  const fraction = match[2] ?? ''
  if (fraction.length > decimals) {
    return {
      ok: false,
      message:
        decimals === 0
          ? `Prices in ${currency.toUpperCase()} have no decimals: enter e.g. ${example}.`
          : `Use at most ${decimals} decimals, e.g. ${example}.`,
    }
  }
  const tooHigh = `The price can be at most ${formatMoney(MAX_UNIT_AMOUNT, currency, 'en')}.`
  // Past this many digits the number is too high anyway (and would lose precision).
  if (whole.replace(/^0+/, '').length > 12) return { ok: false, message: tooHigh }
  const amount = Number(whole) * 10 ** decimals + Number(fraction.padEnd(decimals, '0') || '0')
  if (amount > MAX_UNIT_AMOUNT) return { ok: false, message: tooHigh }
  return { ok: true, amount }
}

/** 350 (eur) → `3.50`; 500 (jpy) → `500`: what the price field shows for editing. */
export function priceInputValue(amount: number, currency: string): string {
  const decimals = currencyDecimals(currency)
  if (decimals === 0) return String(amount)
  const unit = 10 ** decimals
  return `${Math.floor(amount / unit)}.${String(amount % unit).padStart(decimals, '0')}`
}
