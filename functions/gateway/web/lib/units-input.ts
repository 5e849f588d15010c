/** Units on hand as typed in the back office: a whole number from 0 to the stock's maximum. */

/** Largest level the stock domain accepts (MAX_ON_HAND in functions/stock/set-level.ts). */
export const MAX_ON_HAND = 1_000_000

export type UnitsReading = { ok: true; units: number } | { ok: false; message: string }

export const UNITS_HINT = `Enter a whole number of units from 0 to ${MAX_ON_HAND.toLocaleString('en')}.`

/** `12` → 12; anything else (empty, `2.5`, `-1`, too many) says what to enter. */
export function parseUnits(text: string): UnitsReading {
  const typed = text.trim()
  if (!/^\d+$/.test(typed)) return { ok: false, message: UNITS_HINT }
  const units = Number(typed)
  if (units > MAX_ON_HAND) return { ok: false, message: UNITS_HINT }
  return { ok: true, units }
}
