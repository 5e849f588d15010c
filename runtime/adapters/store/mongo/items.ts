/**
 * The stock documents, one per item, and the only updates made to them — each a single
 * conditional update, atomic on its own. `holds` names the reservation attempts holding units
 * of the item, and the update that takes units records the hold, so an attempt holds an item
 * at most once, and giving back or selling (guarded on the hold, which they remove) happens at
 * most once per hold. What the attempts and their states are is in `stock.ts`.
 */
import { type Db, ObjectId } from 'mongodb'
import type { StockLevel } from '../../../../proto/gen/oms.ts'
import { DomainError } from '../../../../shared/errors.ts'
import type { ReservationLine, Shortage } from '../../../ports/store.ts'
import { COLLECTIONS, isDuplicateKey } from './indexes.ts'

interface StockDoc {
  _id: string
  onHand: number
  reserved: number
  /** onHand − reserved, kept by every update so guards can compare it to a quantity. */
  available: number
  /** Reservation attempts holding units of this item (their lines say how many). */
  holds: string[]
  /** Set once when the item is added; orders the full list. */
  seq: ObjectId
}

/** A reservation attempt: its id keys its holds; its lines never change. */
export interface Attempt {
  attempt: string
  lines: ReservationLine[]
}

/** Rounds of read-and-retry before setting a level that keeps changing gives up. */
const MAX_ROUNDS = 10

const toLevel = (doc: Omit<StockDoc, 'holds' | 'seq'>): StockLevel => ({
  itemId: doc._id,
  onHand: doc.onHand,
  reserved: doc.reserved,
  available: Math.max(0, doc.available),
})

const byItemId = (lines: readonly ReservationLine[]) =>
  [...lines].sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))

export function stockItems(db: Db) {
  const stock = db.collection<StockDoc>(COLLECTIONS.stock)
  const read = (itemId: string) => stock.findOne({ _id: itemId })

  /** What is short for the line now: undefined when the attempt holds it or enough is left. */
  async function shortageOf(attempt: string, { itemId, quantity }: ReservationLine) {
    const doc = await read(itemId)
    if (doc?.holds.includes(attempt)) return undefined
    const available = Math.max(0, doc?.available ?? 0)
    return available >= quantity ? undefined : { itemId, requested: quantity, available }
  }

  /** Holds the line for the attempt (at most once); the shortage when there is not enough. */
  async function hold(attempt: string, line: ReservationLine): Promise<Shortage | undefined> {
    const { itemId, quantity } = line
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const held = await stock.updateOne(
        { _id: itemId, available: { $gte: quantity }, holds: { $ne: attempt } },
        { $inc: { reserved: quantity, available: -quantity }, $push: { holds: attempt } },
      )
      if (held.matchedCount === 1) return undefined
      const doc = await read(itemId)
      if (doc?.holds.includes(attempt)) return undefined
      const available = Math.max(0, doc?.available ?? 0)
      if (available < quantity) return { itemId, requested: quantity, available }
      // Units came back between the update and the read: try again.
    }
    throw new DomainError('UNAVAILABLE', `stock of ${itemId} kept changing; try again`)
  }

  /** Applies `$inc` to each item the attempt holds and drops the hold. */
  async function release(
    r: Attempt,
    inc: (quantity: number) => Partial<Pick<StockDoc, 'onHand' | 'reserved' | 'available'>>,
  ) {
    for (const { itemId, quantity } of r.lines) {
      await stock.updateOne(
        { _id: itemId, holds: r.attempt },
        { $inc: inc(quantity), $pull: { holds: r.attempt } },
      )
    }
  }

  return {
    /** Levels of the given items in the given order (unknown ones left out), or of all. */
    async levels(itemIds?: readonly string[]): Promise<StockLevel[]> {
      const projection = { holds: 0, seq: 0 } as const
      if (!itemIds)
        return (await stock.find({}, { projection }).sort({ seq: 1 }).toArray()).map(toLevel)
      if (itemIds.length === 0) return []
      const docs = await stock
        .find({ _id: { $in: [...new Set(itemIds)] } }, { projection })
        .toArray()
      const byId = new Map(docs.map((doc) => [doc._id, toLevel(doc)]))
      return itemIds.flatMap((id) => byId.get(id) ?? [])
    },

    /** Sets units on hand; refuses, atomically, to go below what open reservations hold. */
    async setOnHand(itemId: string, onHand: number): Promise<StockLevel> {
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const doc = await read(itemId)
        if (!doc) {
          const fresh = { _id: itemId, onHand, reserved: 0, available: onHand, holds: [] }
          try {
            await stock.insertOne({ ...fresh, seq: new ObjectId() })
            return toLevel(fresh)
          } catch (err) {
            if (isDuplicateKey(err)) continue
            throw err
          }
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
        const after = await stock.findOneAndUpdate(
          { _id: itemId, onHand: doc.onHand, reserved: { $lte: onHand } },
          { $inc: { onHand: delta, available: delta } },
          { returnDocument: 'after' },
        )
        if (after) return toLevel(after)
      }
      throw new DomainError('UNAVAILABLE', `stock of ${itemId} kept changing; try again`)
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
