/**
 * Reservations: stock held for an order, never oversold, without multi-document transactions —
 * every change is one guarded single-document write (see the document store port).
 *
 * Documents:
 * - `items` (stock-items.ts), one per item: `{_id: itemId, onHand, reserved, available, holds}`.
 *   Every update keeps `available` = onHand − reserved, so "is there enough" is the plain guard
 *   `available ≥ q`. `holds` names the reservation attempts holding units of the item.
 * - `reservations`, one per order: `{_id: orderId, attempt, lines, state, at}`, state going
 *   pending → open → committed | released, or pending → failed (then deleted). The unique
 *   `_id` makes reserving once per order. `attempt` is a fresh id per try, and only the caller
 *   that created an attempt ever holds for it, always before it opens: after that, nothing can
 *   hold for it again.
 *
 * reserve: insert the reservation pending with a new attempt; hold each line (in item id order,
 * so two orders for the same items cannot each take half); flip pending → open. On a shortage:
 * flip pending → failed, give back every line, delete it — the order id is free again. A second
 * reserve of the same order waits for the first to settle and answers as it did. commit /
 * release: flip open → committed / released; only the caller whose flip matched gets true; the
 * lines are then sold / given back.
 *
 * Crashes and retries: an unfinished step leaves units held, never oversold, and each step is
 * idempotent or decided by a flip, so calling again converges. Commit or release of a settled
 * reservation finishes its lines (answering false); a failed one is given back and deleted by
 * whoever meets it. A reservation left pending longer than STALE_PENDING_MS (its reserve died)
 * is taken over by the next reserve of the order — a new attempt replaces the dead one, whose
 * holds are given back — or aborted by a release. The flips decide every race, and a caller
 * whose attempt lost one gives back what that attempt holds.
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { StockLevel } from '../../../proto/gen/oms.ts'
import type { Collection } from '../../../runtime/ports/documents.ts'
import { DomainError } from '../../../shared/errors.ts'
import {
  type Attempt,
  MAX_ROUNDS,
  type ReservationLine,
  type Shortage,
  type StockItems,
} from './stock-items.ts'

type ReservationState = 'pending' | 'open' | 'failed' | 'committed' | 'released'

export interface ReservationDoc extends Attempt {
  _id: string
  state: ReservationState
  /** When the attempt started (epoch ms): a pending reservation this old has lost its reserve. */
  at: number
}

export type ReserveResult =
  | { ok: true; levels: StockLevel[] }
  | { ok: false; shortages: Shortage[] }

/** How long a reservation may stay pending before its reserve counts as dead. */
export const STALE_PENDING_MS = 10_000
/** How often a reserve waiting for another reserve of the same order looks again. */
const POLL_MS = 20

const giveUp = (orderId: string) =>
  new DomainError('UNAVAILABLE', `reservation of order ${orderId} kept changing; try again`)

const isStale = (r: ReservationDoc) => Date.now() - r.at >= STALE_PENDING_MS

/** One line per item (quantities summed), in first-seen order. */
function mergeByItem(lines: readonly ReservationLine[]): ReservationLine[] {
  const merged = new Map<string, number>()
  for (const { itemId, quantity } of lines) merged.set(itemId, (merged.get(itemId) ?? 0) + quantity)
  return [...merged].map(([itemId, quantity]) => ({ itemId, quantity }))
}

/** Shortages in the order the lines were given. */
function inLineOrder(shortages: Shortage[], lines: readonly ReservationLine[]): Shortage[] {
  const position = (s: Shortage) => lines.findIndex((l) => l.itemId === s.itemId)
  return [...shortages].sort((a, b) => position(a) - position(b))
}

export function reservationsOf(items: StockItems, reservations: Collection<ReservationDoc>) {
  const opened = async (r: ReservationDoc) => ({
    ok: true as const,
    levels: await items.levels(r.lines.map((l) => l.itemId)),
  })

  /** Moves this attempt from one state to another; true for the one caller that did it. */
  const flip = async (r: ReservationDoc, from: ReservationState, to: ReservationState) =>
    (await reservations.update(
      r._id,
      { set: { state: to } },
      { where: { attempt: r.attempt, state: from } },
    )) !== undefined

  /** Gives back what a failed attempt holds and frees the order id. */
  const discard = async (r: ReservationDoc) => {
    await items.unholdAll(r)
    await reservations.delete(r._id, { attempt: r.attempt, state: 'failed' })
  }

  /** Replaces a dead pending attempt by a new one of ours (same lines); undefined if beaten. */
  async function takeOver(r: ReservationDoc): Promise<ReservationDoc | undefined> {
    const taken = await reservations.update(
      r._id,
      { set: { attempt: randomUUID(), at: Date.now() } },
      { where: { attempt: r.attempt, state: 'pending' } },
    )
    if (taken) await items.unholdAll(r)
    return taken
  }

  /** Someone else's reservation, once it is no longer pending or its reserve is dead. */
  async function settledOrStale(r: ReservationDoc | undefined) {
    while (r?.state === 'pending' && !isStale(r)) {
      await sleep(POLL_MS)
      r = await reservations.get(r._id)
    }
    return r
  }

  /** Holds our attempt's lines; when that throws midway, tries to give back what it holds. */
  async function holdOrAbort(r: ReservationDoc) {
    try {
      return await items.holdAll(r)
    } catch (err) {
      // Best effort: with the store gone this fails too, and the units stay held (not sold)
      // until the pending reservation is taken over or released.
      if (await flip(r, 'pending', 'failed').catch(() => false)) await discard(r).catch(() => {})
      throw err
    }
  }

  /** The reservation for this call to work on: ours (fresh or taken over) or a settled one. */
  async function attemptFor(orderId: string, lines: ReservationLine[]) {
    const fresh: ReservationDoc = {
      _id: orderId,
      attempt: randomUUID(),
      lines,
      state: 'pending',
      at: Date.now(),
    }
    if (await reservations.insert(fresh)) return { r: fresh, ours: true }
    const r = await settledOrStale(await reservations.get(orderId))
    if (r?.state !== 'pending') return { r, ours: false }
    const taken = await takeOver(r)
    return { r: taken, ours: taken !== undefined }
  }

  /** Flips open → committed | released; then finishes whichever settlement the order has. */
  async function settle(orderId: string, to: 'committed' | 'released'): Promise<boolean> {
    const won = await reservations.update(
      orderId,
      { set: { state: to } },
      { where: { state: 'open' } },
    )
    const r = won ?? (await reservations.get(orderId))
    if (r?.state === 'committed') await items.sellAll(r)
    if (r?.state === 'released') await items.unholdAll(r)
    if (r?.state === 'failed') await discard(r)
    // A reserve that died half-way: releasing the order gives its units back.
    if (r?.state === 'pending' && to === 'released' && isStale(r)) {
      if (await flip(r, 'pending', 'failed')) await discard(r)
    }
    return won !== undefined
  }

  return {
    /** Reserves every line (one per item) or none; repeating it for the same order changes nothing. */
    async reserve(orderId: string, requested: readonly ReservationLine[]): Promise<ReserveResult> {
      const lines = mergeByItem(requested)
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const { r, ours } = await attemptFor(orderId, lines)
        if (!r) continue
        if (!ours) {
          if (r.state !== 'failed') return opened(r)
          await discard(r)
          continue
        }
        const shortages = await holdOrAbort(r)
        if (shortages.length === 0 && (await flip(r, 'pending', 'open'))) return opened(r)
        if (shortages.length > 0 && (await flip(r, 'pending', 'failed'))) {
          await discard(r)
          return { ok: false, shortages: inLineOrder(shortages, r.lines) }
        }
        // Our attempt was taken over or aborted meanwhile: give back what it holds, retry.
        await items.unholdAll(r)
      }
      throw giveUp(orderId)
    },
    /** Turns an open reservation into a sale (on hand goes down). False when none is open. */
    commit: (orderId: string) => settle(orderId, 'committed'),
    /** Gives an open reservation back. False when none is open. */
    release: (orderId: string) => settle(orderId, 'released'),
  }
}
