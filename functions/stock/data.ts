/**
 * The stock domain's data: levels per item and reservations per order (the algorithm that
 * never oversells is in lib/reservations.ts), over two collections.
 */
import { collection, data } from '../../runtime/model/data.ts'
import { type ReservationDoc, reservationsOf } from './lib/reservations.ts'
import { type StockDoc, stockItems } from './lib/stock-items.ts'

const items = collection<StockDoc>('items', { indexes: [{ name: 'added', fields: [['seq', 1]] }] })
// What the sweep looks for: open reservations past their order's payment expiry.
const reservations = collection<ReservationDoc>('reservations', {
  indexes: [
    {
      name: 'open_expiry',
      fields: [
        ['state', 1],
        ['expiresAt', 1],
      ],
    },
  ],
})

export const stockData = data({ items, reservations }, (c) => {
  const levels = stockItems(c.items)
  return {
    /** Levels of the given items (all known items when ids is omitted); unknown ids are left out. */
    levels: levels.levels,
    /** Sets units on hand; fails with INVALID_REQUEST below what open reservations hold. */
    setOnHand: levels.setOnHand,
    ...reservationsOf(levels, c.reservations),
  }
})

export type { ReserveResult } from './lib/reservations.ts'
export type { ReservationLine, Shortage } from './lib/stock-items.ts'
