/**
 * The kitchen display's state: the tickets on screen, kept from the stream's messages. A
 * message never takes a ticket back to an older state (two displays, a slow answer and the
 * stream may tell the same move in any order); the whole queue, sent on (re)connect, replaces
 * everything.
 */
import type { KitchenTicket } from '../../lib/api-schemas.ts'

export type Ticket = KitchenTicket
export type Lane = Ticket['status']

export const LANES: readonly Lane[] = ['paid', 'preparing', 'ready']

/** What each lane's button does, and its label. */
export const NEXT_MOVE: Readonly<
  Record<Lane, { move: 'start' | 'ready' | 'collect'; label: string }>
> = {
  paid: { move: 'start', label: 'Start' },
  preparing: { move: 'ready', label: 'Ready' },
  ready: { move: 'collect', label: 'Collected' },
}

const RANK: Readonly<Record<string, number>> = { paid: 0, preparing: 1, ready: 2, collected: 3 }

export class KitchenQueue {
  #tickets = new Map<string, Ticket>()
  /** Orders known to have left (collected), so a late message does not bring them back. */
  #gone = new Map<string, number>()

  /** The whole queue, as the stream sends it first. */
  replace(tickets: readonly Ticket[]): void {
    this.#tickets = new Map(tickets.map((t) => [t.id, t]))
    this.#gone.clear()
  }

  /** One order's state; false when it changed nothing (older than what is shown). */
  upsert(ticket: Ticket): boolean {
    if ((this.#gone.get(ticket.id) ?? -1) >= (RANK[ticket.status] ?? 0)) return false
    const shown = this.#tickets.get(ticket.id)
    if (shown && (RANK[shown.status] ?? 0) > (RANK[ticket.status] ?? 0)) return false
    if (shown && shown.status === ticket.status && shown.updatedAt >= ticket.updatedAt) return false
    this.#tickets.set(ticket.id, ticket)
    return true
  }

  /** The order left the display (collected, or no longer the kitchen's). */
  remove(id: string, status: string): boolean {
    this.#gone.set(id, RANK[status] ?? 3)
    return this.#tickets.delete(id)
  }

  /** A lane's tickets, oldest placed first. */
  lane(lane: Lane): Ticket[] {
    return [...this.#tickets.values()]
      .filter((t) => t.status === lane)
      .sort((a, b) => a.placedAt.localeCompare(b.placedAt) || a.id.localeCompare(b.id))
  }

  get size(): number {
    return this.#tickets.size
  }
}

/** "just now", "4 min", "1 h 5 min": how long ago an order was placed. */
export function waitedFor(placedAt: string, now = Date.now()): string {
  const minutes = Math.floor((now - Date.parse(placedAt)) / 60_000)
  if (!(minutes >= 1)) return 'just now'
  if (minutes < 60) return `${minutes} min`
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
