/**
 * Reservations: stock held for an order, never oversold, without multi-document transactions —
 * every change is one guarded single-document write (see the document store port), in the
 * two-phase pattern: an operation marks each item it changes (in the same write as the change),
 * records itself as done in the reservation, then removes its marks. Items therefore carry only
 * the operations in flight, whatever the number of open orders.
 *
 * Documents:
 * - `items` (stock-items.ts), one per item: `{_id: itemId, onHand, reserved, available, ops}`.
 *   Every update keeps `available` = onHand − reserved, so "is there enough" is the plain guard
 *   `available ≥ q`.
 * - `reservations`, one per order: `{_id: orderId, attempt, lines, state, at, held}`, state
 *   going pending → open → committing | releasing → committed | released, or pending → failed
 *   (then deleted). The unique `_id` makes reserving once per order. `attempt` is a fresh id
 *   per try of an operation and `at` its start; `held` is the attempt whose holds opened it.
 *
 * reserve: insert the reservation pending with a new attempt; hold each line under the
 * attempt's mark `h:<attempt>` (in item id order, so two orders for the same items cannot each
 * take half); flip pending → open; remove the marks. On a shortage: flip pending → failed, give
 * back every line held (guarded on the mark, which goes with the units), delete it — the order
 * id is free again. A second reserve of the same order waits for the first to settle and
 * answers as it did. A reserve that died (pending longer than STALE_MS) is taken over by the
 * next reserve of the order — a new attempt replaces the dead one, whose holds are given back
 * — or aborted by a release; the dead attempt, should it wake up, fails its flip and gives back
 * what it holds.
 *
 * A release of an order with no reservation records it released (with no lines), so a reserve
 * of that order arriving later holds nothing.
 *
 * commit / release: flip open → committing / releasing (only that caller gets true), move each
 * line's units once under the mark `s:<orderId>`, flip to committed / released, remove the
 * marks. A settlement that died half-way is finished by the next commit or release once it is
 * STALE_MS old; its owner stops writing FENCE_MS before that (a slow owner cannot write after
 * the one that took over has finished and removed the marks).
 */
import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import type { StockLevel } from '../../../proto/gen/oms.ts'
import { RetryLater } from '../../../runtime/model/retry-later.ts'
import type { Collection } from '../../../runtime/ports/documents.ts'
import { DomainError } from '../../../shared/errors.ts'
import {
  GIVE_BACK,
  MAX_ROUNDS,
  type ReservationLine,
  SELL,
  type Shortage,
  type StockItems,
} from './stock-items.ts'

type Final = 'committed' | 'released'
type Settling = 'committing' | 'releasing'
type ReservationState = 'pending' | 'open' | 'failed' | Settling | Final

export interface ReservationDoc {
  _id: string
  /** The current try of the reservation's operation (a reserve, then a settlement). */
  attempt: string
  lines: ReservationLine[]
  state: ReservationState
  /** When the attempt started (epoch ms): one this old has lost its caller. */
  at: number
  /** The attempt whose holds opened the reservation. */
  held?: string
}

export type ReserveResult =
  | { ok: true; levels: StockLevel[] }
  | { ok: false; shortages: Shortage[] }

/** How long an operation may stay unfinished before its caller counts as dead. */
export const STALE_MS = 10_000
/** How long before STALE_MS an owner stops writing (so it never writes after a take-over). */
export const FENCE_MS = 5_000
/** How often a reserve waiting for another reserve of the same order looks again. */
const POLL_MS = 20

const SETTLING: Record<Final, Settling> = { committed: 'committing', released: 'releasing' }
const FINAL: Record<Settling, Final> = { committing: 'committed', releasing: 'released' }

/** The mark of a reserve attempt's holds, and of an order's settlement. */
export const holdMark = (attempt: string) => `h:${attempt}`
export const settleMark = (orderId: string) => `s:${orderId}`

const giveUp = (orderId: string) =>
  new DomainError('UNAVAILABLE', `reservation of order ${orderId} kept changing; try again`)

/** The record of an order released before anything was reserved for it. */
const releasedMark = (orderId: string): ReservationDoc => ({
  _id: orderId,
  attempt: randomUUID(),
  lines: [],
  state: 'released',
  at: Date.now(),
})

const isStale = (r: ReservationDoc) => Date.now() - r.at >= STALE_MS
const isSettling = (s: ReservationState): s is Settling => s === 'committing' || s === 'releasing'

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

  /** Moves this attempt from one state to another; the reservation after, for the one caller that did it. */
  const flip = (
    r: ReservationDoc,
    from: ReservationState,
    to: ReservationState,
    also: Partial<ReservationDoc> = {},
  ) =>
    reservations.update(
      r._id,
      { set: { state: to, ...also } },
      { where: { attempt: r.attempt, state: from } },
    )

  /** Gives back what a failed attempt holds and frees the order id. */
  const discard = async (r: ReservationDoc) => {
    await items.unholdAll(holdMark(r.attempt), r.lines)
    await reservations.delete(r._id, { attempt: r.attempt, state: 'failed' })
  }

  /** Replaces a dead attempt by a new one of ours, in the same state; undefined if beaten. */
  const takeOver = (r: ReservationDoc) =>
    reservations.update(
      r._id,
      { set: { attempt: randomUUID(), at: Date.now() } },
      { where: { attempt: r.attempt, state: r.state } },
    )

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
      return await items.holdAll(holdMark(r.attempt), r.lines)
    } catch (err) {
      // Best effort: with the store gone this fails too, and the units stay held (not sold)
      // until the pending reservation is taken over or released.
      if (await flip(r, 'pending', 'failed').catch(() => undefined))
        await discard(r).catch(() => {})
      throw err
    }
  }

  /** The reservation for this call to work on: ours (fresh or taken over) or a settled one. */
  function attemptFor(orderId: string, lines: ReservationLine[]) {
    const fresh: ReservationDoc = {
      _id: orderId,
      attempt: randomUUID(),
      lines,
      state: 'pending',
      at: Date.now(),
    }
    return reservations
      .insert(fresh)
      .then((inserted) => (inserted ? { r: fresh, ours: true } : existingFor(orderId)))
  }

  /** The order's reservation already exists: wait for it to settle, or take a dead one over. */
  async function existingFor(orderId: string) {
    const r = await settledOrStale(await reservations.get(orderId))
    if (r?.state !== 'pending') return { r, ours: false }
    const taken = await takeOver(r)
    if (taken) await items.unholdAll(holdMark(r.attempt), r.lines)
    return { r: taken, ours: taken !== undefined }
  }

  /** Moves every line's units once, records the settlement as done, removes its marks. */
  async function finish(r: ReservationDoc & { state: Settling }) {
    const fence = () => {
      if (Date.now() - r.at >= STALE_MS - FENCE_MS) throw giveUp(r._id)
    }
    await items.applyAll(
      settleMark(r._id),
      r.lines,
      r.state === 'committing' ? SELL : GIVE_BACK,
      fence,
    )
    if (await flip(r, r.state, FINAL[r.state])) await forgetMarks(r)
  }

  /** Removes the marks of a finished reservation's operations (idempotent). */
  const forgetMarks = (r: ReservationDoc) =>
    items.forget([settleMark(r._id), ...(r.held ? [holdMark(r.held)] : [])], r.lines)

  /** Flips open → committing | releasing and finishes; else completes whatever the order has. */
  async function settle(orderId: string, to: Final): Promise<boolean> {
    const won = await reservations.update(
      orderId,
      { set: { state: SETTLING[to], attempt: randomUUID(), at: Date.now() } },
      { where: { state: 'open' } },
    )
    if (won) {
      await finish(won as ReservationDoc & { state: Settling })
      return true
    }
    const r = await reservations.get(orderId)
    if (!r) {
      // Nothing reserved (yet): a release leaves the order released, so a reserve of it that
      // arrives late (its caller slow or gone) finds it settled and holds nothing.
      if (to === 'released' && !(await reservations.insert(releasedMark(orderId))))
        return settle(orderId, to)
      return false
    }
    if (isSettling(r.state)) {
      // Another settlement of the order is in flight, or its caller died half-way: once it is
      // stale, finish it; until then this one must come again (its units would stay held else).
      if (!isStale(r))
        throw new RetryLater(
          `settlement of order ${orderId} still in flight`,
          STALE_MS - (Date.now() - r.at),
        )
      const taken = await takeOver(r)
      if (taken) await finish(taken as ReservationDoc & { state: Settling })
    } else if (r.state === 'committed' || r.state === 'released') {
      await forgetMarks(r)
    } else if (r.state === 'failed') {
      await discard(r)
    } else if (r.state === 'pending' && to === 'released') {
      // A reserve in flight, or one that died half-way: once it is stale, releasing the order
      // gives its units back; until then the release must come again (it would leak else).
      if (!isStale(r))
        throw new RetryLater(
          `reserve of order ${orderId} still in flight`,
          STALE_MS - (Date.now() - r.at),
        )
      if (await flip(r, 'pending', 'failed')) await discard(r)
    }
    return false
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
        const { shortages, levels } = await holdOrAbort(r)
        if (shortages.length === 0) {
          if (await flip(r, 'pending', 'open', { held: r.attempt })) {
            // Done: the holds' marks are no longer needed (a settlement cleans up if this fails).
            try {
              await items.forget([holdMark(r.attempt)], r.lines)
            } catch {}
            return { ok: true, levels }
          }
        } else if (await flip(r, 'pending', 'failed')) {
          await discard(r)
          return { ok: false, shortages: inLineOrder(shortages, r.lines) }
        }
        // Our attempt was taken over or aborted meanwhile: give back what it holds, retry.
        await items.unholdAll(holdMark(r.attempt), r.lines)
      }
      throw giveUp(orderId)
    },
    /** Turns an open reservation into a sale (on hand goes down). False when none is open. */
    commit: (orderId: string) => settle(orderId, 'committed'),
    /** Gives an open reservation back. False when none is open. */
    release: (orderId: string) => settle(orderId, 'released'),
  }
}
