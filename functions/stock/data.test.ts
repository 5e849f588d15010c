/**
 * The stock domain's data on every store adapter: levels, reservations all-or-nothing and once
 * per order, commit and release once, no oversell under concurrency, and recovery from calls
 * that died half-way (set up by writing what such a call leaves behind).
 */
import { expect, it } from 'vitest'
import type { DocumentStore } from '../../runtime/ports/documents.ts'
import { isDomainError } from '../../shared/errors.ts'
import { eachStore } from '../../test/each-store.ts'
import { preparedDataOf } from '../../test/fixtures.ts'
import { stockData } from './data.ts'
import { stock } from './domain.ts'
import { holdMark, STALE_MS } from './lib/reservations.ts'

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (err: unknown) => err,
  )
}

/** The stock repository over `store` with items stocked: `{ id: units }`. */
async function stockedIn(store: DocumentStore, levels: Record<string, number>) {
  const data = await preparedDataOf(stock, store)
  for (const [id, units] of Object.entries(levels)) await data.setOnHand(id, units)
  return Object.assign(data, {
    store,
    level: async (itemId: string) => (await data.levels([itemId]))[0],
  })
}

type Stocked = (levels: Record<string, number>) => ReturnType<typeof stockedIn>

eachStore('stock data', ({ fresh }) => {
  const stocked: Stocked = async (levels) => stockedIn(await fresh(), levels)

  it('sets levels and reads them for given items (in that order, unknown ones left out) or all', async () => {
    const data = await stocked({ burger: 10, fries: 20, cola: 0 })
    expect(await data.setOnHand('fries', 25)).toStrictEqual({
      itemId: 'fries',
      onHand: 25,
      reserved: 0,
      available: 25,
    })
    expect(await data.levels(['cola', 'nope', 'burger'])).toStrictEqual([
      { itemId: 'cola', onHand: 0, reserved: 0, available: 0 },
      { itemId: 'burger', onHand: 10, reserved: 0, available: 10 },
    ])
    expect((await data.levels()).map((l) => [l.itemId, l.onHand])).toEqual([
      ['burger', 10],
      ['fries', 25],
      ['cola', 0],
    ])
    expect(await data.levels([])).toEqual([])
  })

  it('reserves every line, holding units out of what is available', async () => {
    const data = await stocked({ burger: 10, fries: 20 })
    expect(
      await data.reserve('o1', [
        { itemId: 'fries', quantity: 3 },
        { itemId: 'burger', quantity: 2 },
      ]),
    ).toStrictEqual({
      ok: true,
      levels: [
        { itemId: 'fries', onHand: 20, reserved: 3, available: 17 },
        { itemId: 'burger', onHand: 10, reserved: 2, available: 8 },
      ],
    })
  })

  it('reserves nothing when one line is short, reporting the shortage; the order id stays free', async () => {
    const data = await stocked({ burger: 10, fries: 2 })
    const lines = [
      { itemId: 'burger', quantity: 4 },
      { itemId: 'fries', quantity: 3 },
    ]
    expect(await data.reserve('o1', lines)).toStrictEqual({
      ok: false,
      shortages: [{ itemId: 'fries', requested: 3, available: 2 }],
    })
    expect(await data.levels(['burger', 'fries'])).toStrictEqual([
      { itemId: 'burger', onHand: 10, reserved: 0, available: 10 },
      { itemId: 'fries', onHand: 2, reserved: 0, available: 2 },
    ])
    expect(await data.commit('o1')).toBe(false)
    await data.setOnHand('fries', 5)
    expect((await data.reserve('o1', lines)).ok).toBe(true)
    expect((await data.level('fries'))?.available).toBe(2)
  })

  it('reports an unknown item as short with nothing available', async () => {
    const data = await stocked({ burger: 10 })
    expect(
      await data.reserve('o1', [
        { itemId: 'burger', quantity: 1 },
        { itemId: 'ghost', quantity: 1 },
      ]),
    ).toStrictEqual({ ok: false, shortages: [{ itemId: 'ghost', requested: 1, available: 0 }] })
    expect((await data.level('burger'))?.reserved).toBe(0)
  })

  it('reserves once per order: repeating it changes nothing, and other lines are refused', async () => {
    const data = await stocked({ burger: 10 })
    const first = await data.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
    expect(await data.reserve('o1', [{ itemId: 'burger', quantity: 4 }])).toStrictEqual(first)
    // Enough left for the repeat to hold (it gives its holds back), and not enough.
    expect(await rejection(data.reserve('o1', [{ itemId: 'burger', quantity: 5 }]))).toMatchObject({
      code: 'INVALID_TRANSITION',
    })
    expect(await rejection(data.reserve('o1', [{ itemId: 'burger', quantity: 9 }]))).toMatchObject({
      code: 'INVALID_TRANSITION',
    })
    expect(await data.level('burger')).toStrictEqual({
      itemId: 'burger',
      onHand: 10,
      reserved: 4,
      available: 6,
    })
  })

  it('commits an open reservation once: on hand goes down, available stays', async () => {
    const data = await stocked({ burger: 10, fries: 5 })
    await data.reserve('o1', [
      { itemId: 'burger', quantity: 4 },
      { itemId: 'fries', quantity: 5 },
    ])
    expect(await data.commit('o1')).toBe(true)
    expect(await data.commit('o1')).toBe(false)
    expect(await data.release('o1')).toBe(false)
    expect(await data.levels(['burger', 'fries'])).toStrictEqual([
      { itemId: 'burger', onHand: 6, reserved: 0, available: 6 },
      { itemId: 'fries', onHand: 0, reserved: 0, available: 0 },
    ])
    // Still the order's reservation: reserving it again changes nothing.
    expect(
      (
        await data.reserve('o1', [
          { itemId: 'burger', quantity: 4 },
          { itemId: 'fries', quantity: 5 },
        ])
      ).ok,
    ).toBe(true)
    expect((await data.level('burger'))?.reserved).toBe(0)
  })

  it('releases an open reservation once: its units are available again', async () => {
    const data = await stocked({ burger: 10 })
    await data.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
    expect(await data.release('o1')).toBe(true)
    expect(await data.release('o1')).toBe(false)
    expect(await data.commit('o1')).toBe(false)
    expect(await data.level('burger')).toStrictEqual({
      itemId: 'burger',
      onHand: 10,
      reserved: 0,
      available: 10,
    })
  })

  it('answers false to commit and release of an order without a reservation', async () => {
    const data = await stocked({ burger: 10 })
    expect(await data.commit('nope')).toBe(false)
    expect(await data.release('nope')).toBe(false)
  })

  it('holds nothing for a reserve that arrives after its order was released', async () => {
    const data = await stocked({ burger: 10 })
    // The order was cancelled (and released) while its reserve was still on its way.
    expect(await data.release('late')).toBe(false)
    expect(await data.reserve('late', [{ itemId: 'burger', quantity: 4 }])).toStrictEqual({
      ok: true,
      levels: [],
      released: true,
    })
    expect(await data.level('burger')).toMatchObject({ reserved: 0, available: 10 })
    expect(await data.release('late')).toBe(false)
    // Other orders are unaffected.
    expect(await data.reserve('other', [{ itemId: 'burger', quantity: 4 }])).toMatchObject({
      ok: true,
    })
    expect(await data.level('burger')).toMatchObject({ reserved: 4, available: 6 })
  })

  it('refuses with INVALID_REQUEST to set on hand below what is reserved, changing nothing', async () => {
    const data = await stocked({ burger: 10 })
    await data.reserve('o1', [{ itemId: 'burger', quantity: 6 }])
    const err = await rejection(data.setOnHand('burger', 5))
    expect(isDomainError(err) && err.code).toBe('INVALID_REQUEST')
    expect(await data.level('burger')).toStrictEqual({
      itemId: 'burger',
      onHand: 10,
      reserved: 6,
      available: 4,
    })
    expect(await data.setOnHand('burger', 6)).toStrictEqual({
      itemId: 'burger',
      onHand: 6,
      reserved: 6,
      available: 0,
    })
  })

  it('never oversells: of 100 concurrent orders of 1 unit for 10 units, exactly 10 succeed', async () => {
    const data = await stocked({ brownie: 10 })
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        data.reserve(`o${i}`, [{ itemId: 'brownie', quantity: 1 }]),
      ),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(10)
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toStrictEqual({
        ok: false,
        shortages: [{ itemId: 'brownie', requested: 1, available: 0 }],
      })
    }
    expect(await data.level('brownie')).toStrictEqual({
      itemId: 'brownie',
      onHand: 10,
      reserved: 10,
      available: 0,
    })
  })

  it('never oversells multi-line orders: 20 concurrent orders of two items, 5 of each', async () => {
    const data = await stocked({ burger: 5, fries: 5 })
    const both = (first: string, second: string) => [
      { itemId: first, quantity: 1 },
      { itemId: second, quantity: 1 },
    ]
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        data.reserve(`o${i}`, i % 2 ? both('burger', 'fries') : both('fries', 'burger')),
      ),
    )
    expect(results.filter((r) => r.ok)).toHaveLength(5)
    for (const level of await data.levels(['burger', 'fries']))
      expect(level).toMatchObject({ onHand: 5, reserved: 5, available: 0 })
  })

  it('holds one reservation for 10 concurrent reserves of the same order', async () => {
    const data = await stocked({ burger: 10 })
    const results = await Promise.all(
      Array.from({ length: 10 }, () => data.reserve('o1', [{ itemId: 'burger', quantity: 3 }])),
    )
    expect(results.every((r) => r.ok)).toBe(true)
    expect((await data.level('burger'))?.reserved).toBe(3)
    expect(await data.commit('o1')).toBe(true)
    expect(await data.level('burger')).toMatchObject({ onHand: 7, reserved: 0 })
  })

  it('settles a reservation once when commits and releases race', async () => {
    const data = await stocked({ burger: 10 })
    await data.reserve('o1', [{ itemId: 'burger', quantity: 4 }])
    const settled = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => (i % 2 ? data.commit('o1') : data.release('o1'))),
    )
    // The winner settles; the others find it done (false) or still in flight (to come again).
    for (const r of settled)
      if (r.status === 'rejected') expect(r.reason).toMatchObject({ name: 'RetryLater' })
    const results = settled.map((r) => r.status === 'fulfilled' && r.value)
    expect(results.filter(Boolean)).toHaveLength(1)
    const committed = results.findIndex(Boolean) % 2 === 1
    expect(await data.level('burger')).toStrictEqual(
      committed
        ? { itemId: 'burger', onHand: 6, reserved: 0, available: 6 }
        : { itemId: 'burger', onHand: 10, reserved: 0, available: 10 },
    )
  })

  recoveryTests(stocked)
})

/** Recovery from calls that died half-way, written as raw documents behind the repository's back. */
function recoveryTests(stocked: Stocked) {
  const raw = (store: DocumentStore) => ({
    items: store.collection<{ _id: string; ops: string[]; reserved: number; available: number }>(
      'stock',
      stockData.collections.items!.spec,
    ),
    reservations: store.collection<{
      _id: string
      attempt: string
      lines: { itemId: string; quantity: number }[]
      state: string
      at: number
    }>('stock', stockData.collections.reservations!.spec),
  })

  /** What a reserve of 3 brownies (and 2 cookies) leaves when it dies after the first hold. */
  async function deadReserve(store: DocumentStore, at = Date.now() - STALE_MS) {
    await raw(store).items.update('brownie', {
      inc: { reserved: 3, available: -3 },
      addToSet: { ops: holdMark({ attempt: 'dead', at, quantity: 3, orderId: 'o1' }) },
    })
  }

  it('gives back, once, the holds of a reserve that died before recording them', async () => {
    const data = await stocked({ brownie: 10, cookie: 10 })
    await deadReserve(data.store)
    expect(await data.level('brownie')).toMatchObject({ reserved: 3, available: 7 })
    // The order placed again holds its own lines.
    const result = await data.reserve('o1', [
      { itemId: 'brownie', quantity: 3 },
      { itemId: 'cookie', quantity: 2 },
    ])
    expect(result.ok).toBe(true)
    expect(await data.level('brownie')).toMatchObject({ reserved: 6, available: 4 })
    expect(await data.sweepMarks()).toEqual({ givenBack: 1, forgotten: 0 })
    expect(await data.sweepMarks()).toEqual({ givenBack: 0, forgotten: 0 })
    expect(await data.level('brownie')).toMatchObject({ onHand: 10, reserved: 3, available: 7 })
    expect(await data.commit('o1')).toBe(true)
    expect(await data.level('brownie')).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
    expect(await data.level('cookie')).toMatchObject({ onHand: 8, reserved: 0, available: 8 })
    for (const id of ['brownie', 'cookie'])
      expect((await raw(data.store).items.get(id))?.ops).toEqual([])
  })

  it('leaves holds younger than the stale bound to their reserve, which may still record them', async () => {
    const data = await stocked({ brownie: 10 })
    await deadReserve(data.store, Date.now() - STALE_MS + 500)
    expect(await data.sweepMarks()).toEqual({ givenBack: 0, forgotten: 0 })
    expect(await data.level('brownie')).toMatchObject({ reserved: 3 })
  })

  it('removes the marks a reserve left after recording its reservation, moving no units', async () => {
    const data = await stocked({ brownie: 10 })
    await data.reserve('o1', [{ itemId: 'brownie', quantity: 3 }])
    const { items, reservations } = raw(data.store)
    const r = (await reservations.get('o1')) as unknown as { holds: string[]; at: number }
    // Its marks' removal failed (the store went away at that moment).
    await items.update('brownie', { addToSet: { ops: r.holds[0]! } })
    await reservations.update('o1', { set: { at: Date.now() - STALE_MS } })
    const stale = r.holds[0]!.replace(`:${r.at}:`, `:${Date.now() - STALE_MS}:`)
    await items.update('brownie', { pull: { ops: r.holds[0]! } })
    await items.update('brownie', { addToSet: { ops: stale } })
    await reservations.update('o1', { set: { holds: [stale] } as never })
    expect(await data.sweepMarks()).toEqual({ givenBack: 0, forgotten: 1 })
    expect((await items.get('brownie'))?.ops).toEqual([])
    expect(await data.level('brownie')).toMatchObject({ reserved: 3, available: 7 })
  })

  it('gives a late reserve of an order released first its holds back', async () => {
    const data = await stocked({ brownie: 10 })
    expect(await data.release('o1')).toBe(false)
    expect((await data.reserve('o1', [{ itemId: 'brownie', quantity: 3 }])).ok).toBe(true)
    expect(await data.level('brownie')).toMatchObject({ reserved: 0, available: 10 })
    expect((await raw(data.store).items.get('brownie'))?.ops).toEqual([])
  })

  it('finds open reservations past their payment expiry, and only those', async () => {
    const data = await stocked({ brownie: 10 })
    const now = Date.now()
    await data.reserve('old', [{ itemId: 'brownie', quantity: 1 }], now - 1000)
    await data.reserve('young', [{ itemId: 'brownie', quantity: 1 }], now + 60_000)
    await data.reserve('settled', [{ itemId: 'brownie', quantity: 1 }], now - 1000)
    await data.commit('settled')
    await data.reserve('no-expiry', [{ itemId: 'brownie', quantity: 1 }])
    expect(await data.openExpired(now)).toEqual(['old'])
  })

  it('finishes a commit that died after deciding, on the next call, once', async () => {
    const data = await stocked({ brownie: 10, cookie: 10 })
    await data.reserve('o1', [
      { itemId: 'brownie', quantity: 3 },
      { itemId: 'cookie', quantity: 2 },
    ])
    // A commit that decided, sold the brownies, then died before the cookies.
    const { items, reservations } = raw(data.store)
    await reservations.update('o1', {
      set: { state: 'committing', attempt: 'dying', at: Date.now() - STALE_MS },
    })
    await items.update('brownie', {
      inc: { reserved: -3, onHand: -3 } as never,
      addToSet: { ops: 's:o1' },
    })
    expect(await data.level('brownie')).toMatchObject({ onHand: 7, reserved: 0 })
    expect(await data.level('cookie')).toMatchObject({ onHand: 10, reserved: 2 })

    expect(await data.release('o1')).toBe(false)
    expect(await data.commit('o1')).toBe(false)
    expect(await data.commit('o1')).toBe(false)
    expect(await data.level('brownie')).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
    expect(await data.level('cookie')).toMatchObject({ onHand: 8, reserved: 0, available: 8 })
    expect((await reservations.get('o1'))?.state).toBe('committed')
    for (const id of ['brownie', 'cookie']) expect((await items.get(id))?.ops).toEqual([])
  })

  it('leaves a settlement younger than the stale bound to its caller, asking others to come again', async () => {
    const data = await stocked({ brownie: 10 })
    await data.reserve('o1', [{ itemId: 'brownie', quantity: 3 }])
    const { reservations } = raw(data.store)
    await reservations.update('o1', {
      set: { state: 'releasing', attempt: 'busy', at: Date.now() - STALE_MS + 200 },
    })
    // Its caller may be alive (or just died): a message that settles the order must come again.
    expect(await rejection(data.commit('o1'))).toMatchObject({ name: 'RetryLater' })
    expect(await rejection(data.release('o1'))).toMatchObject({ name: 'RetryLater' })
    expect(await data.level('brownie')).toMatchObject({ onHand: 10, reserved: 3 })
    // Once it is stale (its caller died half-way), the next call finishes it: the units go back.
    await new Promise((r) => setTimeout(r, 250))
    expect(await data.release('o1')).toBe(false)
    expect(await data.level('brownie')).toMatchObject({ onHand: 10, reserved: 0, available: 10 })
  })

  it('keeps no mark per open order on an item: only operations in flight', async () => {
    const data = await stocked({ brownie: 100 })
    for (let i = 0; i < 30; i++) await data.reserve(`o${i}`, [{ itemId: 'brownie', quantity: 1 }])
    for (let i = 0; i < 10; i++) await data.commit(`o${i}`)
    for (let i = 10; i < 20; i++) await data.release(`o${i}`)
    expect((await raw(data.store).items.get('brownie'))?.ops).toEqual([])
    expect(await data.level('brownie')).toStrictEqual({
      itemId: 'brownie',
      onHand: 90,
      reserved: 10,
      available: 80,
    })
  })
}
