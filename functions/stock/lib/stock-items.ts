/**
 * The stock documents, one per item, and the only updates made to them — each a single guarded
 * update, atomic on its own. `ops` names the operations in flight on the item (a reservation
 * attempt holding units, a settlement selling or giving them back): the update that moves units
 * records its operation's marker, and is guarded on the marker's absence, so an operation moves
 * an item's units at most once; giving back a hold is guarded on its marker and removes it, so
 * it happens at most once too. Markers are removed once their operation is recorded as done in
 * its reservation (see reservations.ts), so a document holds only the operations in flight —
 * never one entry per open order. Every write to an item reads its whole marker list, so a hot
 * item's list is kept short: the markers of all operations finishing in one turn of the event
 * loop go in one `pullAll` write per item.
 */
import type { StockLevel } from '../../../proto/gen/oms.ts'
import { outsideCalls } from '../../../runtime/model/data.ts'
import type { Change, Collection } from '../../../runtime/ports/documents.ts'
import { DomainError } from '../../../shared/errors.ts'
import { sortableId } from '../../../shared/sortable-id.ts'

export interface StockDoc {
  _id: string
  onHand: number
  reserved: number
  /** onHand − reserved, kept by every update so guards can compare it to a quantity. */
  available: number
  /** Markers of the operations in flight on this item. */
  ops: string[]
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

/** Rounds of read-and-retry before a call that keeps losing races gives up. */
export const MAX_ROUNDS = 10
/** Most items a full listing returns. */
export const MAX_ITEMS = 10_000

const toLevel = (doc: Omit<StockDoc, 'seq' | 'ops'>): StockLevel => ({
  itemId: doc._id,
  onHand: doc.onHand,
  reserved: doc.reserved,
  available: Math.max(0, doc.available),
})

const byItemId = (lines: readonly ReservationLine[]) =>
  [...lines].sort((a, b) => (a.itemId < b.itemId ? -1 : a.itemId > b.itemId ? 1 : 0))

const keptChanging = (itemId: string) =>
  new DomainError('UNAVAILABLE', `stock of ${itemId} kept changing; try again`)

type Inc = NonNullable<Change<StockDoc>['inc']>

/** What settling a line does to its item: a sale (on hand goes down with reserved) or a give-back. */
export const SELL = (q: number): Inc => ({ reserved: -q, onHand: -q })
export const GIVE_BACK = (q: number): Inc => ({ reserved: -q, available: q })

export function stockItems(stock: Collection<StockDoc>) {
  /** What is short for the line now: undefined when the hold is in place or enough is left. */
  async function shortageOf(marker: string, { itemId, quantity }: ReservationLine) {
    const doc = await stock.get(itemId)
    if (doc?.ops.includes(marker)) return undefined
    const available = Math.max(0, doc?.available ?? 0)
    return available >= quantity ? undefined : { itemId, requested: quantity, available }
  }

  /** The hold of a line: one guarded update; the item after, or nothing when it did not apply. */
  const tryHold = (marker: string, { itemId, quantity }: ReservationLine) =>
    stock.update(
      itemId,
      { inc: { reserved: quantity, available: -quantity }, addToSet: { ops: marker } },
      { where: { available: { $gte: quantity }, ops: { $ne: marker } } },
    )

  /**
   * After a hold that did not apply: the item, if the hold is in place after all, or the
   * shortage; while units came back in between, holds again.
   */
  async function holdAgain(marker: string, line: ReservationLine): Promise<StockDoc | Shortage> {
    const { itemId, quantity } = line
    for (let round = 1; round < MAX_ROUNDS; round++) {
      const doc = await stock.get(itemId)
      if (doc?.ops.includes(marker)) return doc
      const available = Math.max(0, doc?.available ?? 0)
      if (available < quantity) return { itemId, requested: quantity, available }
      // Units came back between the update and the read: try again.
      const held = await tryHold(marker, line)
      if (held) return held
    }
    throw keptChanging(itemId)
  }

  /** Markers to remove, per item, gathered until the next removal. */
  const forgetting = new Map<string, Set<string>>()
  /** The removal being written, and the next one, which gathers markers meanwhile. */
  let inFlight: Promise<void> = Promise.resolve()
  let gathering: Promise<void> | undefined

  async function removeGathered(): Promise<void> {
    const gathered = [...forgetting]
    forgetting.clear()
    await Promise.all(
      gathered.map(([itemId, marks]) => {
        const ops = [...marks]
        return stock.update(itemId, { pullAll: { ops } }, { where: { ops: { $in: ops } } })
      }),
    )
  }

  const unhold = async (itemId: string, quantity: number, marker: string) =>
    (await stock.update(
      itemId,
      { inc: GIVE_BACK(quantity), pull: { ops: marker } },
      { where: { ops: marker } },
    )) !== undefined

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
          const fresh = { _id: itemId, onHand, reserved: 0, available: onHand }
          if (await stock.insert({ ...fresh, ops: [], seq: sortableId() })) return toLevel(fresh)
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
     * Holds every line under its mark, in item id order, stopping at the first shortage;
     * returns the shortages (that one, and any of the lines not tried yet), the lines held and,
     * when there are no shortages, the levels of the items as the holds left them, in the
     * lines' order.
     */
    async holdAll(
      markOf: (line: ReservationLine) => string,
      lines: readonly ReservationLine[],
    ): Promise<{ shortages: Shortage[]; levels: StockLevel[]; held: ReservationLine[] }> {
      const shortages: Shortage[] = []
      const held = new Map<string, StockLevel>()
      for (const line of byItemId(lines)) {
        const marker = markOf(line)
        if (shortages.length > 0) {
          const shortage = await shortageOf(marker, line)
          if (shortage) shortages.push(shortage)
          continue
        }
        // The common case is one update; only a hold that did not apply reads and retries.
        const outcome = (await tryHold(marker, line)) ?? (await holdAgain(marker, line))
        if ('requested' in outcome) shortages.push(outcome)
        else held.set(outcome._id, toLevel(outcome))
      }
      const levels = shortages.length > 0 ? [] : lines.map((l) => held.get(l.itemId)!)
      return { shortages, levels, held: lines.filter((l) => held.has(l.itemId)) }
    },

    /** Gives back every unit held under its line's mark (exactly once: the mark goes with them). */
    async unholdAll(
      markOf: (line: ReservationLine) => string,
      lines: readonly ReservationLine[],
    ): Promise<void> {
      for (const line of lines) await unhold(line.itemId, line.quantity, markOf(line))
    },

    /** Gives back one hold (exactly once); false when it is not in place. */
    unhold,

    /** Every item's marks (what the sweep looks at for operations whose caller died). */
    async marks(): Promise<{ itemId: string; ops: string[] }[]> {
      const docs = await stock.find('added', { limit: MAX_ITEMS })
      return docs.filter((d) => d.ops.length > 0).map((d) => ({ itemId: d._id, ops: d.ops }))
    },

    /** Applies `inc` to every line's item once under `marker` (a line already marked is skipped). */
    async applyAll(
      marker: string,
      lines: readonly ReservationLine[],
      inc: (quantity: number) => Inc,
      fence: () => void,
    ): Promise<void> {
      for (const { itemId, quantity } of lines) {
        fence()
        await stock.update(
          itemId,
          { inc: inc(quantity), addToSet: { ops: marker } },
          { where: { ops: { $ne: marker } } },
        )
      }
    },

    /**
     * Removes markers of operations recorded as done (moves no units); resolves once they are
     * gone. Removals are written one at a time (a write per item): the markers of every
     * operation finishing while one is written go together in the next, so under load many
     * orders share one write.
     */
    forget(markers: readonly string[], lines: readonly ReservationLine[]): Promise<void> {
      for (const { itemId } of lines) {
        const marks = forgetting.get(itemId) ?? new Set<string>()
        forgetting.set(itemId, marks)
        for (const marker of markers) marks.add(marker)
      }
      // Written for every operation gathered, so outside the call of the one that began it:
      // that caller giving up must not refuse the others' removal.
      gathering ??= outsideCalls(() =>
        inFlight
          .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
          .then(() => {
            gathering = undefined
            const written = removeGathered()
            inFlight = written.catch(() => {})
            return written
          }),
      )
      return gathering
    },
  }
}

export type StockItems = ReturnType<typeof stockItems>
