import { describe, expect, it } from 'vitest'
import { KitchenQueue, type Ticket, waitedFor } from './kitchen-queue.ts'

const ticket = (id: string, status: Ticket['status'], placedAt: string, updatedAt = placedAt) => ({
  id,
  number: id.toUpperCase(),
  status,
  items: [{ id: 'fries', name: 'Fries', quantity: 1 }],
  placedAt,
  updatedAt,
})

describe('KitchenQueue', () => {
  it('keeps each lane oldest placed first', () => {
    const q = new KitchenQueue()
    q.replace([
      ticket('b', 'paid', '2026-12-02T10:05:00Z'),
      ticket('a', 'paid', '2026-12-02T10:01:00Z'),
      ticket('c', 'ready', '2026-12-02T09:00:00Z'),
    ])
    expect(q.lane('paid').map((t) => t.id)).toEqual(['a', 'b'])
    expect(q.lane('ready').map((t) => t.id)).toEqual(['c'])
    expect(q.lane('preparing')).toEqual([])
  })

  it('never takes a ticket back to an earlier lane, whatever order the messages come in', () => {
    const q = new KitchenQueue()
    q.replace([ticket('a', 'paid', '2026-12-02T10:00:00Z')])
    expect(q.upsert(ticket('a', 'ready', '2026-12-02T10:00:00Z', '2026-12-02T10:09:00Z'))).toBe(
      true,
    )
    expect(q.upsert(ticket('a', 'preparing', '2026-12-02T10:00:00Z', '2026-12-02T10:04:00Z'))).toBe(
      false,
    )
    expect(q.lane('ready').map((t) => t.id)).toEqual(['a'])
  })

  it('forgets a collected order for good: a late message does not bring it back', () => {
    const q = new KitchenQueue()
    q.replace([ticket('a', 'ready', '2026-12-02T10:00:00Z')])
    expect(q.remove('a', 'collected')).toBe(true)
    expect(q.upsert(ticket('a', 'ready', '2026-12-02T10:00:00Z'))).toBe(false)
    expect(q.size).toBe(0)
  })

  it('takes the whole queue from a reconnect as the truth', () => {
    const q = new KitchenQueue()
    q.replace([ticket('a', 'paid', '2026-12-02T10:00:00Z')])
    q.remove('a', 'collected')
    q.replace([ticket('b', 'preparing', '2026-12-02T10:00:00Z')])
    expect(q.lane('preparing').map((t) => t.id)).toEqual(['b'])
    expect(q.lane('paid')).toEqual([])
  })
})

describe('waitedFor', () => {
  const placed = '2026-12-02T10:00:00Z'
  const at = (minutes: number) => Date.parse(placed) + minutes * 60_000
  it('says how long ago, in words a cook reads at a glance', () => {
    expect(waitedFor(placed, at(0.5))).toBe('just now')
    expect(waitedFor(placed, at(4))).toBe('4 min')
    expect(waitedFor(placed, at(65))).toBe('1 h 5 min')
  })
})
