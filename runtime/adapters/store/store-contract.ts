/**
 * The store port's contract, as tests every adapter must pass: each operation of each
 * repository, and the invariants under concurrency (no oversell, one winner per conditional
 * move, once-only marks, one owner per job). Each test gets a fresh store from `makeStore`.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import type { MenuItem, Order } from '../../../proto/gen/oms.ts'
import { isDomainError } from '../../../shared/errors.ts'
import type { Store } from '../../ports/store.ts'

const item = (id: string, overrides: Partial<MenuItem> = {}): MenuItem => ({
  id,
  name: `Item ${id}`,
  description: `The ${id}`,
  priceId: `price_${id}`,
  unitAmount: 450,
  currency: 'eur',
  ...overrides,
})

let orderSeq = 0
const order = (overrides: Partial<Order> = {}): Order => {
  const createdAt = new Date(Date.UTC(2026, 0, 1, 12, 0, orderSeq)).toISOString()
  return {
    id: `order-${++orderSeq}-${Math.random().toString(36).slice(2, 8)}`,
    customerId: 'ann',
    status: 'pending',
    items: [
      { id: 'fries', name: 'Fries', quantity: 2, priceId: 'price_fries', unitAmount: 350 },
      { id: 'cola', name: 'Cola', quantity: 1, priceId: 'price_cola', unitAmount: 250 },
    ],
    total: 950,
    currency: 'eur',
    paymentLink: '',
    createdAt,
    updatedAt: createdAt,
    traceParent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    ...overrides,
  }
}

const later = () => new Date(Date.now() + 60_000).toISOString()

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (err: unknown) => err,
  )
}

/** Defines the contract's tests for one adapter. */
export function storeContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`store contract: ${name}`, () => {
    const open: Store[] = []
    afterEach(async () => {
      for (const s of open.splice(0)) await s.close()
    })
    async function fresh(): Promise<Store> {
      const store = await makeStore()
      open.push(store)
      return store
    }
    /** A store with items stocked: `{ id: units }`. */
    async function stocked(levels: Record<string, number>): Promise<Store> {
      const store = await fresh()
      for (const [id, units] of Object.entries(levels)) await store.stock.setOnHand(id, units)
      return store
    }
    const levelOf = async (store: Store, itemId: string) => (await store.stock.levels([itemId]))[0]

    it('answers ping', async () => {
      await expect((await fresh()).ping()).resolves.toBeUndefined()
    })

    describe('menu', () => {
      it('adds, replaces, reads, lists in the order added and deletes items', async () => {
        const { menu } = await fresh()
        expect(await menu.list()).toEqual([])
        expect(await menu.upsert(item('burger'))).toStrictEqual({
          item: item('burger'),
          created: true,
        })
        await menu.upsert(item('fries'))
        await menu.upsert(item('cola'))
        const cheaper = item('burger', { name: 'Burger', unitAmount: 800 })
        expect(await menu.upsert(cheaper)).toStrictEqual({ item: cheaper, created: false })

        expect(await menu.get('burger')).toStrictEqual(cheaper)
        expect(await menu.get('nope')).toBeUndefined()
        expect(await menu.list()).toStrictEqual([cheaper, item('fries'), item('cola')])

        expect(await menu.delete('fries')).toBe(true)
        expect(await menu.delete('fries')).toBe(false)
        expect(await menu.get('fries')).toBeUndefined()
        expect((await menu.list()).map((i) => i.id)).toEqual(['burger', 'cola'])
      })
    })

    describe('stock', () => {
      it('sets levels and reads them for given items (in that order, unknown ones left out) or all', async () => {
        const store = await stocked({ burger: 10, fries: 20, cola: 0 })
        expect(await store.stock.setOnHand('fries', 25)).toStrictEqual({
          itemId: 'fries',
          onHand: 25,
          reserved: 0,
          available: 25,
        })
        expect(await store.stock.levels(['cola', 'nope', 'burger'])).toStrictEqual([
          { itemId: 'cola', onHand: 0, reserved: 0, available: 0 },
          { itemId: 'burger', onHand: 10, reserved: 0, available: 10 },
        ])
        expect((await store.stock.levels()).map((l) => [l.itemId, l.onHand])).toEqual([
          ['burger', 10],
          ['fries', 25],
          ['cola', 0],
        ])
        expect(await store.stock.levels([])).toEqual([])
      })

      it('reserves every line, holding units out of what is available', async () => {
        const store = await stocked({ burger: 10, fries: 20 })
        const result = await store.stock.reserve('o1', [
          { itemId: 'fries', quantity: 3 },
          { itemId: 'burger', quantity: 2 },
        ])
        expect(result).toStrictEqual({
          ok: true,
          levels: [
            { itemId: 'fries', onHand: 20, reserved: 3, available: 17 },
            { itemId: 'burger', onHand: 10, reserved: 2, available: 8 },
          ],
        })
      })

      it('reserves nothing when one line is short, reporting the shortage; the order id stays free', async () => {
        const store = await stocked({ burger: 10, fries: 2 })
        const result = await store.stock.reserve('o1', [
          { itemId: 'burger', quantity: 4 },
          { itemId: 'fries', quantity: 3 },
        ])
        expect(result).toStrictEqual({
          ok: false,
          shortages: [{ itemId: 'fries', requested: 3, available: 2 }],
        })
        expect(await store.stock.levels(['burger', 'fries'])).toStrictEqual([
          { itemId: 'burger', onHand: 10, reserved: 0, available: 10 },
          { itemId: 'fries', onHand: 2, reserved: 0, available: 2 },
        ])
        expect(await store.stock.commit('o1')).toBe(false)

        await store.stock.setOnHand('fries', 5)
        const retried = await store.stock.reserve('o1', [
          { itemId: 'burger', quantity: 4 },
          { itemId: 'fries', quantity: 3 },
        ])
        expect(retried.ok).toBe(true)
        expect((await levelOf(store, 'fries'))?.available).toBe(2)
      })

      it('reports an unknown item as short with nothing available', async () => {
        const store = await stocked({ burger: 10 })
        expect(
          await store.stock.reserve('o1', [
            { itemId: 'burger', quantity: 1 },
            { itemId: 'ghost', quantity: 1 },
          ]),
        ).toStrictEqual({ ok: false, shortages: [{ itemId: 'ghost', requested: 1, available: 0 }] })
        expect((await levelOf(store, 'burger'))?.reserved).toBe(0)
      })

      it('reserves once per order: repeating it changes nothing', async () => {
        const store = await stocked({ burger: 10 })
        const first = await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
        const again = await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
        const other = await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 9 }])
        expect(again).toStrictEqual(first)
        expect(other).toStrictEqual(first)
        expect(await levelOf(store, 'burger')).toStrictEqual({
          itemId: 'burger',
          onHand: 10,
          reserved: 4,
          available: 6,
        })
      })

      it('commits an open reservation once: on hand goes down, available stays', async () => {
        const store = await stocked({ burger: 10, fries: 5 })
        await store.stock.reserve('o1', [
          { itemId: 'burger', quantity: 4 },
          { itemId: 'fries', quantity: 5 },
        ])
        expect(await store.stock.commit('o1')).toBe(true)
        expect(await store.stock.commit('o1')).toBe(false)
        expect(await store.stock.release('o1')).toBe(false)
        expect(await store.stock.levels(['burger', 'fries'])).toStrictEqual([
          { itemId: 'burger', onHand: 6, reserved: 0, available: 6 },
          { itemId: 'fries', onHand: 0, reserved: 0, available: 0 },
        ])
        // Still the order's reservation: reserving again changes nothing.
        expect((await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 1 }])).ok).toBe(true)
        expect((await levelOf(store, 'burger'))?.reserved).toBe(0)
      })

      it('releases an open reservation once: its units are available again', async () => {
        const store = await stocked({ burger: 10 })
        await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
        expect(await store.stock.release('o1')).toBe(true)
        expect(await store.stock.release('o1')).toBe(false)
        expect(await store.stock.commit('o1')).toBe(false)
        expect(await levelOf(store, 'burger')).toStrictEqual({
          itemId: 'burger',
          onHand: 10,
          reserved: 0,
          available: 10,
        })
      })

      it('answers false to commit and release of an order without a reservation', async () => {
        const store = await stocked({ burger: 10 })
        expect(await store.stock.commit('nope')).toBe(false)
        expect(await store.stock.release('nope')).toBe(false)
      })

      it('refuses with INVALID_REQUEST to set on hand below what is reserved, changing nothing', async () => {
        const store = await stocked({ burger: 10 })
        await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 6 }])
        const err = await rejection(store.stock.setOnHand('burger', 5))
        expect(isDomainError(err) && err.code).toBe('INVALID_REQUEST')
        expect(await levelOf(store, 'burger')).toStrictEqual({
          itemId: 'burger',
          onHand: 10,
          reserved: 6,
          available: 4,
        })
        expect(await store.stock.setOnHand('burger', 6)).toStrictEqual({
          itemId: 'burger',
          onHand: 6,
          reserved: 6,
          available: 0,
        })
      })

      it('never oversells: of 100 concurrent orders of 1 unit for 10 units, exactly 10 succeed', async () => {
        const store = await stocked({ brownie: 10 })
        const results = await Promise.all(
          Array.from({ length: 100 }, (_, i) =>
            store.stock.reserve(`o${i}`, [{ itemId: 'brownie', quantity: 1 }]),
          ),
        )
        expect(results.filter((r) => r.ok)).toHaveLength(10)
        for (const r of results.filter((r) => !r.ok)) {
          expect(r).toStrictEqual({
            ok: false,
            shortages: [{ itemId: 'brownie', requested: 1, available: 0 }],
          })
        }
        expect(await levelOf(store, 'brownie')).toStrictEqual({
          itemId: 'brownie',
          onHand: 10,
          reserved: 10,
          available: 0,
        })
      })

      it('never oversells multi-line orders: 20 concurrent orders of two items, 5 of each', async () => {
        const store = await stocked({ burger: 5, fries: 5 })
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            store.stock.reserve(
              `o${i}`,
              i % 2
                ? [
                    { itemId: 'burger', quantity: 1 },
                    { itemId: 'fries', quantity: 1 },
                  ]
                : [
                    { itemId: 'fries', quantity: 1 },
                    { itemId: 'burger', quantity: 1 },
                  ],
            ),
          ),
        )
        expect(results.filter((r) => r.ok)).toHaveLength(5)
        for (const level of await store.stock.levels(['burger', 'fries'])) {
          expect(level).toMatchObject({ onHand: 5, reserved: 5, available: 0 })
        }
      })

      it('holds one reservation for 10 concurrent reserves of the same order', async () => {
        const store = await stocked({ burger: 10 })
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            store.stock.reserve('o1', [{ itemId: 'burger', quantity: 3 }]),
          ),
        )
        expect(results.every((r) => r.ok)).toBe(true)
        expect((await levelOf(store, 'burger'))?.reserved).toBe(3)
        expect(await store.stock.commit('o1')).toBe(true)
        expect(await levelOf(store, 'burger')).toMatchObject({ onHand: 7, reserved: 0 })
      })

      it('settles a reservation once when commits and releases race', async () => {
        const store = await stocked({ burger: 10 })
        await store.stock.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
        const calls = Array.from({ length: 20 }, (_, i) =>
          i % 2 ? store.stock.commit('o1') : store.stock.release('o1'),
        )
        const results = await Promise.all(calls)
        expect(results.filter(Boolean)).toHaveLength(1)
        const committed = results.findIndex(Boolean) % 2 === 1
        expect(await levelOf(store, 'burger')).toStrictEqual(
          committed
            ? { itemId: 'burger', onHand: 6, reserved: 0, available: 6 }
            : { itemId: 'burger', onHand: 10, reserved: 0, available: 10 },
        )
      })
    })

    describe('orders', () => {
      it('inserts an order once and reads it back exactly', async () => {
        const { orders } = await fresh()
        const o = order()
        expect(await orders.insert(o)).toBe(true)
        expect(await orders.insert({ ...o, status: 'paid', total: 1 })).toBe(false)
        expect(await orders.get(o.id)).toStrictEqual(o)
        expect(await orders.get('nope')).toBeUndefined()
      })

      it('lists a customer’s orders newest first, only theirs, up to a limit', async () => {
        const { orders } = await fresh()
        const a1 = order()
        const b1 = order({ customerId: 'bob' })
        const a2 = order()
        const a3 = order()
        // Inserted out of creation order: the listing follows createdAt.
        for (const o of [a2, a1, b1, a3]) await orders.insert(o)
        expect((await orders.listByCustomer('ann')).map((o) => o.id)).toEqual([a3.id, a2.id, a1.id])
        expect(await orders.listByCustomer('bob')).toStrictEqual([b1])
        expect((await orders.listByCustomer('ann', { limit: 2 })).map((o) => o.id)).toEqual([
          a3.id,
          a2.id,
        ])
        expect(await orders.listByCustomer('nobody')).toEqual([])
      })

      it('lists orders created in the same instant newest inserted first', async () => {
        const { orders } = await fresh()
        const at = new Date().toISOString()
        const list = [order({ createdAt: at }), order({ createdAt: at }), order({ createdAt: at })]
        for (const o of list) await orders.insert(o)
        expect((await orders.listByCustomer('ann')).map((o) => o.id)).toEqual(
          list.map((o) => o.id).reverse(),
        )
      })

      it('patches an order, any status or only from the allowed ones', async () => {
        const { orders } = await fresh()
        const o = order()
        await orders.insert(o)
        const t1 = later()
        const linked = await orders.update(o.id, { paymentLink: 'https://pay/1', updatedAt: t1 })
        expect(linked).toStrictEqual({ ...o, paymentLink: 'https://pay/1', updatedAt: t1 })

        const t2 = later()
        const paid = await orders.update(o.id, { status: 'paid', updatedAt: t2 }, ['pending'])
        expect(paid).toStrictEqual({
          ...o,
          status: 'paid',
          paymentLink: 'https://pay/1',
          updatedAt: t2,
        })
        expect(await orders.get(o.id)).toStrictEqual(paid)
      })

      it('refuses a move from a status not allowed, changing nothing', async () => {
        const { orders } = await fresh()
        const o = order({ status: 'paid' })
        await orders.insert(o)
        const patch = { status: 'cancelled', paymentLink: 'x', updatedAt: later() }
        expect(await orders.update(o.id, patch, ['pending'])).toBeUndefined()
        expect(await orders.update(o.id, patch, [])).toBeUndefined()
        expect(await orders.update('nope', patch)).toBeUndefined()
        expect(await orders.get(o.id)).toStrictEqual(o)
      })

      it('lets exactly one of 50 concurrent moves from pending win', async () => {
        const { orders } = await fresh()
        const o = order()
        await orders.insert(o)
        const targets = Array.from({ length: 50 }, (_, i) => (i % 2 ? 'paid' : 'cancelled'))
        const results = await Promise.all(
          targets.map((status) => orders.update(o.id, { status, updatedAt: later() }, ['pending'])),
        )
        const winners = results.filter((r) => r !== undefined)
        expect(winners).toHaveLength(1)
        expect((await orders.get(o.id))?.status).toBe(winners[0]?.status)
      })
    })

    describe('processed events', () => {
      it('marks an event once per scope, tells whether it is marked, and forgets it', async () => {
        const { processed } = await fresh()
        expect(await processed.has('s1', 'e1')).toBe(false)
        expect(await processed.markOnce('s1', 'e1')).toBe(true)
        expect(await processed.markOnce('s1', 'e1')).toBe(false)
        expect(await processed.has('s1', 'e1')).toBe(true)
        expect(await processed.markOnce('s2', 'e1')).toBe(true)
        expect(await processed.has('s1', 'e2')).toBe(false)

        await processed.unmark('s1', 'e1')
        expect(await processed.has('s1', 'e1')).toBe(false)
        expect(await processed.has('s2', 'e1')).toBe(true)
        expect(await processed.markOnce('s1', 'e1')).toBe(true)
        await processed.unmark('s1', 'never-marked')
      })

      it('answers true to exactly one of 20 concurrent marks', async () => {
        const { processed } = await fresh()
        const results = await Promise.all(
          Array.from({ length: 20 }, () => processed.markOnce('webhook', 'evt_1')),
        )
        expect(results.filter(Boolean)).toHaveLength(1)
      })
    })

    describe('jobs', () => {
      const LEASE_MS = 300

      it('enqueues a job once per queue and id, and counts jobs by state', async () => {
        const { jobs } = await fresh()
        expect(await jobs.enqueue('q', 'j1', '{"a":1}')).toBe(true)
        expect(await jobs.enqueue('q', 'j1', '{"a":2}')).toBe(false)
        expect(await jobs.enqueue('other', 'j1', '{}')).toBe(true)
        await jobs.enqueue('q', 'j2', '{}')
        expect(await jobs.counts('q')).toEqual({ queued: 2, running: 0 })
        expect(await jobs.counts('empty')).toEqual({ queued: 0, running: 0 })
      })

      it('leases due jobs up to a limit, each to one owner', async () => {
        const { jobs } = await fresh()
        for (const id of ['j1', 'j2', 'j3']) await jobs.enqueue('q', id, `{"id":"${id}"}`)
        const first = await jobs.claim('q', 'a', 2, LEASE_MS)
        expect(first).toHaveLength(2)
        for (const job of first) {
          expect(job).toEqual({
            queue: 'q',
            id: job.id,
            payload: `{"id":"${job.id}"}`,
            attempts: 1,
          })
        }
        const second = await jobs.claim('q', 'b', 5, LEASE_MS)
        expect(second).toHaveLength(1)
        expect(await jobs.claim('q', 'c', 5, LEASE_MS)).toEqual([])
        expect(new Set([...first, ...second].map((j) => j.id))).toEqual(new Set(['j1', 'j2', 'j3']))
        expect(await jobs.counts('q')).toEqual({ queued: 0, running: 3 })
      })

      it('completes a job only for its owner; a completed job is not claimed again', async () => {
        const { jobs } = await fresh()
        await jobs.enqueue('q', 'j1', '{}')
        await jobs.claim('q', 'a', 1, LEASE_MS)
        await jobs.complete('q', 'j1', 'b')
        expect(await jobs.counts('q')).toEqual({ queued: 0, running: 1 })
        await jobs.complete('q', 'j1', 'a')
        expect(await jobs.counts('q')).toEqual({ queued: 0, running: 0 })
        await sleep(LEASE_MS + 50)
        expect(await jobs.claim('q', 'b', 5, LEASE_MS)).toEqual([])
        expect(await jobs.enqueue('q', 'j1', '{}')).toBe(false)
      })

      it('gives an expired lease to another owner, and ignores the old owner afterwards', async () => {
        const { jobs } = await fresh()
        await jobs.enqueue('q', 'j1', '{}')
        await jobs.claim('q', 'a', 1, LEASE_MS)
        expect(await jobs.claim('q', 'b', 1, LEASE_MS)).toEqual([])
        await sleep(LEASE_MS + 50)
        const taken = await jobs.claim('q', 'b', 1, LEASE_MS * 10)
        expect(taken).toMatchObject([{ id: 'j1', attempts: 2 }])
        await jobs.complete('q', 'j1', 'a')
        await jobs.retry('q', 'j1', 'a', 0, 'late')
        expect(await jobs.counts('q')).toEqual({ queued: 0, running: 1 })
        expect(await jobs.claim('q', 'c', 1, LEASE_MS)).toEqual([])
      })

      it('renews leases still held by the owner', async () => {
        const { jobs } = await fresh()
        await jobs.enqueue('q', 'j1', '{}')
        await jobs.enqueue('q', 'j2', '{}')
        await jobs.claim('q', 'a', 2, LEASE_MS)
        await sleep(LEASE_MS / 2)
        await jobs.renew('q', 'a', ['j1'], LEASE_MS * 10)
        await jobs.renew('q', 'b', ['j2'], LEASE_MS * 10)
        await sleep(LEASE_MS / 2 + 50)
        expect(await jobs.claim('q', 'b', 5, LEASE_MS)).toMatchObject([{ id: 'j2' }])
      })

      it('retries a job after a delay, carrying its last error; only for its owner', async () => {
        const { jobs } = await fresh()
        await jobs.enqueue('q', 'j1', '{}')
        await jobs.claim('q', 'a', 1, LEASE_MS * 10)
        await jobs.retry('q', 'j1', 'b', 0, 'not mine')
        expect(await jobs.counts('q')).toEqual({ queued: 0, running: 1 })
        await jobs.retry('q', 'j1', 'a', LEASE_MS, 'boom')
        expect(await jobs.counts('q')).toEqual({ queued: 1, running: 0 })
        expect(await jobs.claim('q', 'a', 1, LEASE_MS)).toEqual([])
        await sleep(LEASE_MS + 50)
        expect(await jobs.claim('q', 'b', 1, LEASE_MS)).toEqual([
          { queue: 'q', id: 'j1', payload: '{}', attempts: 2, lastError: 'boom' },
        ])
      })

      it('gives back every lease of an owner at once, without counting the attempt', async () => {
        const { jobs } = await fresh()
        for (const id of ['j1', 'j2', 'j3']) await jobs.enqueue('q', id, '{}')
        await jobs.claim('q', 'a', 2, LEASE_MS * 10)
        await jobs.claim('q', 'b', 1, LEASE_MS * 10)
        await jobs.releaseOwner('q', 'a')
        expect(await jobs.counts('q')).toEqual({ queued: 2, running: 1 })
        const again = await jobs.claim('q', 'c', 5, LEASE_MS)
        expect(again).toHaveLength(2)
        expect(again.map((j) => j.attempts)).toEqual([1, 1])
      })

      it('never gives one job to two owners claiming at once', async () => {
        const { jobs } = await fresh()
        for (let i = 0; i < 20; i++) await jobs.enqueue('q', `j${i}`, '{}')
        const claims = await Promise.all(
          ['a', 'b', 'c', 'd', 'e'].map((owner) => jobs.claim('q', owner, 8, LEASE_MS * 10)),
        )
        const ids = claims.flat().map((j) => j.id)
        expect(ids).toHaveLength(20)
        expect(new Set(ids).size).toBe(20)
        expect(await jobs.counts('q')).toEqual({ queued: 0, running: 20 })
      })
    })
  })
}
