/**
 * Reservations: stock held for an order, never oversold, without multi-document transactions —
 * every change is one guarded single-document write (see the document store port). An
 * operation marks each item it changes in the same write as the change, records itself in the
 * order's reservation, then removes its marks; items therefore carry only the operations in
 * flight, whatever the number of open orders.
 *
 * Documents:
 * - `items` (stock-items.ts), one per item: `{_id: itemId, onHand, reserved, available, ops}`.
 *   Every update keeps `available` = onHand − reserved, so "is there enough" is the plain guard
 *   `available ≥ q`.
 * - `reservations`, one per order: `{_id: orderId, attempt, lines, state, at, holds, expiresAt}`,
 *   state open → committing | releasing → committed | released (or released at once, by a
 *   release that came first). The unique `_id` makes reserving once per order. `attempt` is a
 *   fresh id per try of a settlement and `at` its start; `holds` are the marks of the holds
 *   that opened it; `expiresAt` the order's payment expiry.
 *
 * reserve (one write per line and one insert, the fewest a reservation can take): hold each
 * line under its mark `h:<attempt>:<at>:<quantity>:<orderId>` (in item id order, so two orders
 * for the same items cannot each take half), then insert the reservation, open. The marks go
 * in a write per item shared with every operation finishing in the same turn. On a shortage
 * the lines held are given back (guarded on their marks) and nothing is written: the order id
 * stays free. When the insert finds the order's reservation already there (a repeat, or a
 * release that came first), the holds are given back and the call answers as that one did.
 * A reserve whose caller died between its holds and its insert leaves marks that say what
 * they hold and since when: the sweep gives them back once they are STALE_MS old, and the
 * reserve itself never inserts later than FENCE_MS before that.
 *
 * commit / release: flip open → committing / releasing (only that caller gets true), move each
 * line's units once under the mark `s:<orderId>`, flip to committed / released, remove the
 * marks. A settlement that died half-way is finished by the next commit or release once it is
 * STALE_MS old; its owner stops writing FENCE_MS before that (a slow owner cannot write after
 * the one that took over has finished and removed the marks).
 *
 * An open reservation whose order was never stored (orders reserves first, then stores the
 * order; its process died in between) holds its units like an unpaid order: the sweep finds it
 * once its payment expiry has passed (see sweep-reservations.ts) and asks orders about it.
 */
import { randomUUID } from 'node:crypto'
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
type ReservationState = 'open' | Settling | Final

export interface ReservationDoc {
  _id: string
  /** The current try of the reservation's operation (its reserve, then a settlement). */
  attempt: string
  lines: ReservationLine[]
  state: ReservationState
  /** When the attempt started (epoch ms): one this old has lost its caller. */
  at: number
  /** The marks of the holds that opened the reservation, one per line. */
  holds?: string[]
  /** The order's payment expiry (epoch ms): past it, the sweep asks orders about the order. */
  expiresAt?: number
}

export type ReserveResult =
  | { ok: true; levels: StockLevel[]; released?: true }
  | { ok: false; shortages: Shortage[] }

/** How long an operation may stay unfinished before its caller counts as dead. */
export const STALE_MS = 10_000
/** How long before STALE_MS an owner stops writing (so it never writes after a take-over). */
export const FENCE_MS = 5_000

const SETTLING: Record<Final, Settling> = { committed: 'committing', released: 'releasing' }
const FINAL: Record<Settling, Final> = { committing: 'committed', releasing: 'released' }

/** A hold's mark: what it holds, for which order, since when — all the sweep needs to give it back. */
export interface Hold {
  attempt: string
  at: number
  quantity: number
  orderId: string
}

export const holdMark = ({ attempt, at, quantity, orderId }: Hold) =>
  `h:${attempt}:${at}:${quantity}:${orderId}`

/** The hold a mark names, or undefined for another kind of mark. */
export function holdOf(mark: string): Hold | undefined {
  const match = /^h:([^:]+):(\d+):(\d+):(.+)$/s.exec(mark)
  if (!match) return undefined
  const [, attempt, at, quantity, orderId] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ]
  return { attempt, at: Number(at), quantity: Number(quantity), orderId }
}

export const settleMark = (orderId: string) => `s:${orderId}`
const SETTLE_PREFIX = 's:'

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

const isStale = (r: { at: number }, now = Date.now()) => now - r.at >= STALE_MS
const isSettling = (s: ReservationState): s is Settling => s === 'committing' || s === 'releasing'
const isFinal = (s: ReservationState): s is Final => s === 'committed' || s === 'released'

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

/** What one sweep did. */
export interface SweepOutcome {
  /** Holds of reserves that died before recording them, given back. */
  givenBack: number
  /** Marks of finished operations that were left behind, removed. */
  forgotten: number
}

/** Whether two sets of lines (one per item) hold the same quantities of the same items. */
const sameLines = (a: readonly ReservationLine[], b: readonly ReservationLine[]) =>
  a.length === b.length &&
  a.every((l) => b.some((m) => m.itemId === l.itemId && m.quantity === l.quantity))

export function reservationsOf(items: StockItems, reservations: Collection<ReservationDoc>) {
  /**
   * The answer to a reserve of an order that has its reservation: as that reserve answered
   * (the same lines), released (nothing held), or refused for other lines.
   */
  const existing = async (
    r: ReservationDoc,
    lines: readonly ReservationLine[],
  ): Promise<ReserveResult> => {
    if (r.state === 'released') return { ok: true, levels: [], released: true }
    if (!sameLines(r.lines, lines))
      throw new DomainError(
        'INVALID_TRANSITION',
        `order ${r._id} is reserved already, with other lines`,
      )
    return { ok: true, levels: await items.levels(r.lines.map((l) => l.itemId)) }
  }

  /** Moves this attempt from one state to another; the reservation after, for the one caller that did it. */
  const flip = (r: ReservationDoc, from: ReservationState, to: ReservationState) =>
    reservations.update(
      r._id,
      { set: { state: to } },
      { where: { attempt: r.attempt, state: from } },
    )

  /** Replaces a dead attempt by a new one of ours, in the same state; undefined if beaten. */
  const takeOver = (r: ReservationDoc) =>
    reservations.update(
      r._id,
      { set: { attempt: randomUUID(), at: Date.now() } },
      { where: { attempt: r.attempt, state: r.state } },
    )

  /** Holds the lines; when that throws midway, tries to give back what it holds. */
  async function holdOrGiveBack(markOf: (l: ReservationLine) => string, lines: ReservationLine[]) {
    try {
      return await items.holdAll(markOf, lines)
    } catch (err) {
      // Best effort: with the store gone this fails too, and the sweep gives the holds back.
      await items.unholdAll(markOf, lines).catch(() => {})
      throw err
    }
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
    items.forget([settleMark(r._id), ...(r.holds ?? [])], r.lines)

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
    } else if (isFinal(r.state)) {
      await forgetMarks(r)
    }
    return false
  }

  /** A hold whose reserve is STALE_MS old: left over (forgotten) or of a dead reserve (given back). */
  async function sweepHold(itemId: string, mark: string, hold: Hold): Promise<keyof SweepOutcome> {
    const r = await reservations.get(hold.orderId)
    if (r?.holds?.includes(mark)) {
      await items.forget([mark], [{ itemId, quantity: hold.quantity }])
      return 'forgotten'
    }
    // Its reserve never recorded it and no longer can (it stops FENCE_MS before STALE_MS).
    return (await items.unhold(itemId, hold.quantity, mark)) ? 'givenBack' : 'forgotten'
  }

  return {
    /**
     * Reserves every line (one per item) or none; repeating it for the same order and lines
     * changes nothing (other lines are refused with INVALID_TRANSITION; an order released
     * first is answered released, holding nothing). `expiresAt` (epoch ms) is the order's
     * payment expiry.
     */
    async reserve(
      orderId: string,
      requested: readonly ReservationLine[],
      expiresAt?: number,
    ): Promise<ReserveResult> {
      const lines = mergeByItem(requested)
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const attempt = randomUUID()
        const at = Date.now()
        const markOf = (l: ReservationLine) =>
          holdMark({ attempt, at, quantity: l.quantity, orderId })
        const { shortages, levels, held } = await holdOrGiveBack(markOf, lines)
        if (shortages.length > 0) {
          await items.unholdAll(markOf, held)
          // A repeat of a reserve that took the last units is answered as that one was.
          const r = await reservations.get(orderId)
          return r ? existing(r, lines) : { ok: false, shortages: inLineOrder(shortages, lines) }
        }
        if (Date.now() - at >= STALE_MS - FENCE_MS) {
          // Too late to record: the sweep may be giving these holds back already.
          await items.unholdAll(markOf, lines)
          throw giveUp(orderId)
        }
        const holds = lines.map(markOf)
        const doc: ReservationDoc = {
          _id: orderId,
          attempt,
          lines,
          state: 'open',
          at,
          holds,
          ...(expiresAt !== undefined && { expiresAt }),
        }
        if (await reservations.insert(doc)) {
          // Done: the marks are no longer needed (the sweep removes them should this fail).
          items.forget(holds, lines).catch(() => {})
          return { ok: true, levels }
        }
        // The order has its reservation already (a repeat, or released first): ours goes back.
        await items.unholdAll(markOf, lines)
        const r = await reservations.get(orderId)
        if (r) return existing(r, lines)
      }
      throw giveUp(orderId)
    },
    /** Turns an open reservation into a sale (on hand goes down). False when none is open. */
    commit: (orderId: string) => settle(orderId, 'committed'),
    /** Gives an open reservation back. False when none is open. */
    release: (orderId: string) => settle(orderId, 'released'),
    /**
     * Gives back the holds of reserves that died before recording them, and removes marks
     * finished operations left behind (their removal failed): what the sweep does to items.
     */
    async sweepMarks(now = Date.now()): Promise<SweepOutcome> {
      const outcome: SweepOutcome = { givenBack: 0, forgotten: 0 }
      for (const { itemId, ops } of await items.marks()) {
        for (const mark of ops) {
          const hold = holdOf(mark)
          if (hold) {
            if (isStale(hold, now)) outcome[await sweepHold(itemId, mark, hold)]++
            continue
          }
          if (!mark.startsWith(SETTLE_PREFIX)) continue
          const r = await reservations.get(mark.slice(SETTLE_PREFIX.length))
          if (r && isFinal(r.state)) {
            await items.forget([mark], [{ itemId, quantity: 0 }])
            outcome.forgotten++
          }
        }
      }
      return outcome
    },
    /** Open reservations whose order's payment expiry is before `before` (epoch ms). */
    async openExpired(before: number, limit = EXPIRED_PAGE): Promise<string[]> {
      const docs = await reservations.find('open_expiry', {
        where: { state: 'open', expiresAt: { $lt: before } },
        limit,
      })
      return docs.map((d) => d._id)
    },
  }
}

/** Most expired reservations one sweep query returns. */
export const EXPIRED_PAGE = 100
