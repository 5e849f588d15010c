/**
 * Embedded stock repository. Each call runs to completion before another starts (one event
 * loop, no await inside), so check-and-reserve is atomic and can never oversell.
 */
import type { StockLevel } from '../../../../proto/gen/oms.ts'
import { DomainError } from '../../../../shared/errors.ts'
import type { ReservationLine, Shortage, StockRepo } from '../../../ports/store.ts'

interface Reservation {
  lines: ReservationLine[]
  state: 'open' | 'committed' | 'released'
}

export function memoryStock(): StockRepo {
  const onHand = new Map<string, number>()
  const reserved = new Map<string, number>()
  const reservations = new Map<string, Reservation>()

  const level = (itemId: string): StockLevel => {
    const hand = onHand.get(itemId) ?? 0
    const held = reserved.get(itemId) ?? 0
    return { itemId, onHand: hand, reserved: held, available: Math.max(0, hand - held) }
  }
  const add = (itemId: string, delta: number) =>
    reserved.set(itemId, (reserved.get(itemId) ?? 0) + delta)

  return {
    async levels(itemIds) {
      const ids = itemIds ?? [...onHand.keys()]
      return ids.filter((id) => onHand.has(id)).map(level)
    },
    async setOnHand(itemId, units) {
      const held = reserved.get(itemId) ?? 0
      if (units < held) {
        throw new DomainError(
          'INVALID_REQUEST',
          `${held} units of ${itemId} are reserved by open orders; on hand cannot go below that`,
          { reserved: held },
        )
      }
      onHand.set(itemId, units)
      return level(itemId)
    },
    async reserve(orderId, lines) {
      const existing = reservations.get(orderId)
      if (existing) return { ok: true, levels: existing.lines.map((l) => level(l.itemId)) }
      const shortages: Shortage[] = []
      for (const { itemId, quantity } of lines) {
        const { available } = level(itemId)
        if (available < quantity) shortages.push({ itemId, requested: quantity, available })
      }
      if (shortages.length > 0) return { ok: false, shortages }
      for (const { itemId, quantity } of lines) add(itemId, quantity)
      reservations.set(orderId, { lines: lines.map((l) => ({ ...l })), state: 'open' })
      return { ok: true, levels: lines.map((l) => level(l.itemId)) }
    },
    async commit(orderId) {
      const r = reservations.get(orderId)
      if (r?.state !== 'open') return false
      for (const { itemId, quantity } of r.lines) {
        add(itemId, -quantity)
        onHand.set(itemId, (onHand.get(itemId) ?? 0) - quantity)
      }
      r.state = 'committed'
      return true
    },
    async release(orderId) {
      const r = reservations.get(orderId)
      if (r?.state !== 'open') return false
      for (const { itemId, quantity } of r.lines) add(itemId, -quantity)
      r.state = 'released'
      return true
    },
  }
}
