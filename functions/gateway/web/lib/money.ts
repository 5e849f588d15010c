/** Prices: integer amounts in the currency's minor unit, shown in the browser's locale. */

const formats = new Map<string, Intl.NumberFormat>()

function formatFor(currency: string, locale: string | undefined): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`
  let format = formats.get(key)
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency })
    formats.set(key, format)
  }
  return format
}

/**
 * `formatMoney(950, 'eur', 'en')` → `€9.50`; `formatMoney(500, 'jpy', 'en')` → `¥500`. The
 * currency's own number of decimals says where the minor unit is.
 */
export function formatMoney(amount: number, currency: string, locale?: string): string {
  const code = currency.toUpperCase()
  try {
    const format = formatFor(code, locale)
    const decimals = format.resolvedOptions().maximumFractionDigits ?? 2
    return format.format(amount / 10 ** decimals)
  } catch {
    // An unknown currency code: still show the amount, never nothing.
    return `${(amount / 100).toFixed(2)} ${code}`
  }
}

/** Sums amounts per currency, in first-seen order (a cart may mix currencies). */
export function totalsByCurrency(
  lines: readonly { amount: number; currency: string }[],
): { amount: number; currency: string }[] {
  const totals = new Map<string, number>()
  for (const { amount, currency } of lines)
    totals.set(currency, (totals.get(currency) ?? 0) + amount)
  return [...totals].map(([currency, amount]) => ({ currency, amount }))
}

/** Formats totals per currency: `€13.50`, or `€13.50 + $4.00`. */
export function formatTotals(
  totals: readonly { amount: number; currency: string }[],
  locale?: string,
): string {
  if (totals.length === 0) return formatMoney(0, 'eur', locale)
  return totals.map((t) => formatMoney(t.amount, t.currency, locale)).join(' + ')
}
