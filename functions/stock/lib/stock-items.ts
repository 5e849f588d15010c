/**
 * The stock documents, one per item, and the only updates made to them — each a single guarded
 * update, atomic on its own. `holds` names the reservation attempts holding units of the item,
 * and the update that takes units records the hold, so an attempt holds an item at most once,
 * and giving back or selling (guarded on the hold, which they remove) happens at most once per
 * hold. What the attempts and their states are is in `reservations.ts`.
 */
import { monotonicFactory } from 'ulid'
import type { StockLevel } from '../../../proto/gen/oms.ts'
import type { Change, Collection } from '../../../runtime/ports/documents.ts'
import { DomainError } from '../../../shared/errors.ts'

export interface StockDoc {
  _id: string
  onHand: number
  reserved: number
  /** onHand − reserved, kept by every update so guards can compare it to a quantity. */
  available: number
  /** Reservation attempts holding units of this item (their lines say how many). */
  holds: string[]
  /** Set once when the item is added; orders the full list. */
  seq: string
}

export interface ReservationLine {
  itemId: string
  quantity: number
}

export interface Shortage {
  itemId: string
  requested: number
  available: number
}

/** A reservation attempt: its id keys its holds; its lines never change. */
export interface Attempt {
  attempt: string
  lines: ReservationLine[]
}

/** Rounds of read-and-retry before a call that keeps losing races gives up. */
export const MAX_ROUNDS = 10
/** Most items a full listing returns. */
export const MAX_ITEMS = 10_000

const nextSeq = monotonicFactory()

const toLevel = (doc: StockDoc): StockLevel => ({
  itemId: doc._id,
  onHand: doc.onHand,
  reserved: doc.reserved,
  available: Math.max(0, doc.available),
})

const byItemId = (lines: readonly ReservationLine[]) =>
  [...lines].sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))

const keptChanging = (itemId: string) =>
  new DomainError('UNAVAILABLE', `stock of ${itemId} kept changing; try again`)

export function stockItems(stock: Collection<StockDoc>) {
  /** What is short for the line now: undefined when the attempt holds it or enough is left. */
  async function shortageOf(attempt: string, { itemId, quantity }: ReservationLine) {
    const doc = await stock.get(itemId)
    if (doc?.holds.includes(attempt)) return undefined
    const available = Math.max(0, doc?.available ?? 0)
    return available >= quantity ? undefined : { itemId, requested: quantity, available }
  }

  /** Holds the line for the attempt (at most once); the shortage when there is not enough. */
  async function hold(attempt: string, line: ReservationLine): Promise<Shortage | undefined> {
    const { itemId, quantity } = line
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const held = await stock.update(
        itemId,
        { inc: { reserved: quantity, available: -quantity }, addToSet: { holds: attempt } },
        { where: { available: { $gte: quantity }, holds: { $ne: attempt } } },
      )
      if (held) return undefined
      const doc = await stock.get(itemId)
      if (doc?.holds.includes(attempt)) return undefined
      const available = Math.max(0, doc?.available ?? 0)
      if (available < quantity) return { itemId, requested: quantity, available }
      // Units came back between the update and the read: try again.
    }
    throw keptChanging(itemId)
  }

  /** Applies `inc` to each item the attempt holds and drops the hold. */
  async function release(r: Attempt, inc: (quantity: number) => Change<StockDoc>['inc']) {
    for (const { itemId, quantity } of r.lines) {
      await stock.update(
        itemId,
        { inc: inc(quantity), pull: { holds: r.attempt } },
        { where: { holds: r.attempt } },
      )
    }
  }

  return {
    /** Levels of the given items in the given order (unknown ones left out), or of all. */
    async levels(itemIds?: readonly string[]): Promise<StockLevel[]> {
      if (!itemIds) return (await stock.find('added', { limit: MAX_ITEMS })).map(toLevel)
      const docs = await Promise.all(itemIds.map((id) => stock.get(id)))
      return docs.flatMap((doc) => (doc ? [toLevel(doc)] : []))
    },

    /** Sets units on hand; refuses, atomically, to go below what open reservations hold. */
    async setOnHand(itemId: string, onHand: number): Promise<StockLevel> {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const doc = await stock.get(itemId)
        if (!doc) {
          const fresh = { _id: itemId, onHand, reserved: 0, available: onHand, holds: [] }
          if (await stock.insert({ ...fresh, seq: nextSeq() }))
            return toLevel({ ...fresh, seq: '' })
          continue
        }
        if (onHand < doc.reserved) {
          throw new DomainError(
            'INVALID_REQUEST',
            `${doc.reserved} units of ${itemId} are reserved by open orders; on hand cannot go below that`,
            { reserved: doc.reserved },
          )
        }
        // Relative to the on-hand value read, so concurrent holds (which move only reserved
        // and available) keep available = onHand − reserved; a sale in between retries.
        const delta = onHand - doc.onHand
        const after = await stock.update(
          itemId,
          { inc: { onHand: delta, available: delta } },
          { where: { onHand: doc.onHand, reserved: { $lte: onHand } } },
        )
        if (after) return toLevel(after)
      }
      throw keptChanging(itemId)
    },

    /**
     * Holds every line for the attempt, in item id order, stopping at the first shortage;
     * returns the shortages (that one, and any of the lines not tried yet).
     */
    async holdAll(r: Attempt): Promise<Shortage[]> {
      const shortages: Shortage[] = []
      for (const line of byItemId(r.lines)) {
        const shortage =
          shortages.length === 0 ? await hold(r.attempt, line) : await shortageOf(r.attempt, line)
        if (shortage) shortages.push(shortage)
      }
      return shortages
    },

    /** Gives back every unit the attempt holds. */
    unholdAll: (r: Attempt) => release(r, (q) => ({ reserved: -q, available: q })),

    /** Turns what the attempt holds into a sale: on hand goes down with reserved. */
    sellAll: (r: Attempt) => release(r, (q) => ({ reserved: -q, onHand: -q })),
  }
}

export type StockItems = ReturnType<typeof stockItems>
