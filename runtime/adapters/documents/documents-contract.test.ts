/**
 * The document store port's contract, on every adapter (test/each-store.ts): each operation
 * with each part of the filter and change languages, events stored with their write, index
 * order and limits, refusals of what the port does not define, and the single-document
 * atomicity the domains build on, under concurrency.
 */
import { expect, it } from 'vitest'
import { eachStore } from '../../../test/each-store.ts'
import type { CollectionSpec, DocumentStore, OutgoingEvent } from '../../ports/documents.ts'

interface Thing {
  _id: string
  group: string
  rank: number
  seq: string
  n?: number
  s?: string
  tags?: string[]
  code?: string
  note?: string
}

const THINGS: CollectionSpec = {
  name: 'things',
  outbox: true,
  indexes: [
    {
      name: 'by_group',
      fields: [
        ['group', 1],
        ['rank', -1],
        ['seq', 1],
      ],
    },
  ],
}

/** A unique index: as on MongoDB, a missing field counts as null, so every document has a code. */
const CODES: CollectionSpec = {
  name: 'codes',
  indexes: [{ name: 'by_code', fields: [['code', 1]], unique: true }],
}

const thing = (id: string, fields: Partial<Thing> = {}): Thing => ({
  _id: id,
  group: 'g',
  rank: 0,
  seq: id,
  ...fields,
})

const event = (id: string, topic = 'thing.changed'): OutgoingEvent => ({
  topic,
  id,
  body: JSON.stringify({ eventId: id }),
  headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
})

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('expected a rejection'),
    (err: unknown) => err as Error,
  )
}

eachStore('document store contract', ({ fresh }) => {
  async function things(namespace = 'contract', store?: DocumentStore) {
    const s = store ?? (await fresh())
    await s.prepare(namespace, [THINGS])
    return s.collection<Thing>(namespace, THINGS)
  }

  it('answers ping, and prepares collections again without harm', async () => {
    const store = await fresh()
    await expect(store.ping()).resolves.toBeUndefined()
    await store.prepare('contract', [THINGS])
    await store.prepare('contract', [THINGS])
  })

  it('inserts a document once per id and reads back exactly what was stored', async () => {
    const c = await things()
    const doc = thing('a', { n: 1, s: 'x', tags: ['t1'], note: 'é ✓' })
    expect(await c.insert(doc)).toBe(true)
    expect(await c.insert({ ...doc, n: 2 })).toBe(false)
    expect(await c.get('a')).toStrictEqual(doc)
    expect(await c.get('nope')).toBeUndefined()
  })

  it('keeps no object of its callers, and what it hands out cannot change what it stores', async () => {
    const c = await things()
    const doc = thing('a', { tags: ['t1'] })
    await c.insert(doc)
    doc.tags?.push('changed after insert')
    const read = await c.get('a')
    // Documents read are read-only: changing one either fails (the embedded store hands out
    // frozen documents) or changes a copy (MongoDB).
    try {
      read?.tags?.push('changed after get')
    } catch {}
    const updated = await c.update('a', { set: { s: 'x' } })
    try {
      updated?.tags?.push('changed after update')
    } catch {}
    expect((await c.get('a'))?.tags).toEqual(['t1'])
  })

  it('keeps namespaces apart', async () => {
    const store = await fresh()
    const one = await things('one', store)
    const two = await things('two', store)
    await one.insert(thing('a', { n: 1 }))
    expect(await two.get('a')).toBeUndefined()
    expect(await two.insert(thing('a', { n: 2 }))).toBe(true)
    expect((await one.get('a'))?.n).toBe(1)
  })

  it('refuses a second document with the values of a unique index', async () => {
    const store = await fresh()
    await store.prepare('contract', [CODES])
    const c = store.collection<Thing>('contract', CODES)
    expect(await c.insert(thing('a', { code: 'X1' }))).toBe(true)
    expect(await c.insert(thing('b', { code: 'X1' }))).toBe(false)
    expect(await c.get('b')).toBeUndefined()
    expect(await c.insert(thing('b', { code: 'X2' }))).toBe(true)
    await expect(c.update('b', { set: { code: 'X1' } })).rejects.toThrow()
    expect((await c.get('b'))?.code).toBe('X2')
  })

  it('finds through an index: pinned prefix, a range, the index order both ways, a limit', async () => {
    const c = await things()
    const docs = [
      thing('a1', { group: 'a', rank: 1, seq: '1' }),
      thing('a2', { group: 'a', rank: 3, seq: '2' }),
      thing('a3', { group: 'a', rank: 3, seq: '3' }),
      thing('a4', { group: 'a', rank: 2, seq: '4' }),
      thing('b1', { group: 'b', rank: 9, seq: '5' }),
    ]
    for (const d of [docs[3], docs[0], docs[4], docs[2], docs[1]]) await c.insert(d!)
    const ids = (found: Thing[]) => found.map((d) => d._id)
    expect(ids(await c.find('by_group', { where: { group: 'a' } }))).toEqual([
      'a2',
      'a3',
      'a4',
      'a1',
    ])
    expect(ids(await c.find('by_group', { where: { group: 'a' }, order: 'desc' }))).toEqual([
      'a1',
      'a4',
      'a3',
      'a2',
    ])
    expect(ids(await c.find('by_group', { where: { group: 'a', rank: { $lte: 2 } } }))).toEqual([
      'a4',
      'a1',
    ])
    expect(ids(await c.find('by_group', { where: { group: 'a' }, limit: 2 }))).toEqual(['a2', 'a3'])
    expect(ids(await c.find('by_group'))).toEqual(['a2', 'a3', 'a4', 'a1', 'b1'])
    expect(await c.find('by_group', { where: { group: 'none' } })).toEqual([])
  })

  it('returns at most 100 documents from a find without a limit', async () => {
    const c = await things()
    for (let i = 0; i < 105; i++) await c.insert(thing(`t${String(i).padStart(3, '0')}`))
    expect(await c.find('by_group')).toHaveLength(100)
    expect(await c.find('by_group', { limit: 200 })).toHaveLength(105)
  })

  it('refuses a find through an unknown index or on a field the index does not hold', async () => {
    const c = await things()
    expect((await rejection(c.find('nope'))).message).toMatch(/no index named nope/)
    expect((await rejection(c.find('by_group', { where: { n: 1 } }))).message).toMatch(
      /n is not one of its fields/,
    )
  })

  it('applies set, unset, inc (from 0 when missing), addToSet, pull and pullAll', async () => {
    const c = await things()
    await c.insert(thing('a', { n: 5, s: 'x', tags: ['t1', 't2', 't1x'], note: 'old' }))
    const after = await c.update('a', {
      set: { s: 'y', rank: 7 },
      unset: ['note'],
      inc: { n: -2 },
      addToSet: { tags: 't3' },
    })
    expect(after).toStrictEqual(
      thing('a', { n: 3, s: 'y', rank: 7, tags: ['t1', 't2', 't1x', 't3'] }),
    )
    expect(await c.get('a')).toStrictEqual(after)
    expect((await c.update('a', { addToSet: { tags: 't3' } }))?.tags).toEqual([
      't1',
      't2',
      't1x',
      't3',
    ])
    expect((await c.update('a', { pull: { tags: 't1' } }))?.tags).toEqual(['t2', 't1x', 't3'])
    expect((await c.update('a', { pull: { tags: 'none' } }))?.tags).toEqual(['t2', 't1x', 't3'])
    expect((await c.update('a', { pullAll: { tags: ['t3', 'none', 't2'] } }))?.tags).toEqual([
      't1x',
    ])
    expect((await c.update('a', { pullAll: { tags: [] } }))?.tags).toEqual(['t1x'])

    await c.insert(thing('b'))
    expect(await c.update('b', { inc: { n: 4 }, addToSet: { tags: 'x' } })).toStrictEqual(
      thing('b', { n: 4, tags: ['x'] }),
    )
    expect(await c.update('missing', { set: { s: 'z' } })).toBeUndefined()
    expect(await c.get('missing')).toBeUndefined()
  })

  it('updates only while the filter holds, for every comparison the port defines', async () => {
    const c = await things()
    await c.insert(thing('a', { n: 5, s: 'm', tags: ['t1', 't2'] }))
    const cases: [object, boolean][] = [
      [{ n: 5 }, true],
      [{ n: 4 }, false],
      [{ s: 'm', n: 5 }, true],
      [{ s: 'm', n: 6 }, false],
      [{ n: { $ne: 4 } }, true],
      [{ n: { $ne: 5 } }, false],
      [{ n: { $gt: 4 } }, true],
      [{ n: { $gt: 5 } }, false],
      [{ n: { $gte: 5 } }, true],
      [{ n: { $gte: 6 } }, false],
      [{ n: { $lt: 6 } }, true],
      [{ n: { $lt: 5 } }, false],
      [{ n: { $lte: 5 } }, true],
      [{ n: { $lte: 4 } }, false],
      [{ n: { $gte: 5, $lte: 5 } }, true],
      [{ n: { $gte: 5, $lt: 5 } }, false],
      [{ s: { $gt: 'a' } }, true],
      [{ s: { $lt: 'a' } }, false],
      [{ n: { $gt: '1' } }, false],
      [{ n: { $in: [1, 5] } }, true],
      [{ n: { $in: [1, 2] } }, false],
      [{ n: { $in: [] } }, false],
      [{ n: { $nin: [1, 2] } }, true],
      [{ n: { $nin: [5] } }, false],
      [{ note: { $exists: false } }, true],
      [{ note: { $exists: true } }, false],
      [{ n: { $exists: true } }, true],
      [{ note: { $ne: 'x' } }, true],
      [{ note: { $gt: 0 } }, false],
      [{ tags: 't2' }, true],
      [{ tags: 't3' }, false],
      [{ tags: { $ne: 't3' } }, true],
      [{ tags: { $ne: 't1' } }, false],
      [{ tags: { $in: ['t9', 't1'] } }, true],
      [{ tags: { $nin: ['t1'] } }, false],
    ]
    for (const [where, applies] of cases) {
      const before = await c.get('a')
      const result = await c.update('a', { inc: { rank: 1 } }, { where })
      expect(result !== undefined, JSON.stringify(where)).toBe(applies)
      const now = await c.get('a')
      expect(now?.rank, JSON.stringify(where)).toBe((before?.rank ?? 0) + (applies ? 1 : 0))
    }
  })

  it('refuses changes and filters outside the port’s language, changing nothing', async () => {
    const c = await things()
    await c.insert(thing('a', { n: 1 }))
    const bad: [Parameters<typeof c.update>[1], object?][] = [
      [{ set: { n: 2 }, inc: { n: 1 } }],
      [{ set: { _id: 'b' } as never }],
      [{ set: { 'x.y': 1 } as never }],
      [{ set: { $where: 1 } as never }],
      [{ set: { _outbox: [] } as never }],
      [{ replace: { n: 2 } } as never],
      [{ pullAll: { tags: 't1' } as never }],
      [{ pull: { tags: 't1' }, pullAll: { tags: ['t2'] } }],
      [{ set: { n: 2 } }, { n: { $regex: '1' } }],
      [{ set: { n: 2 } }, { $or: [{ n: 1 }] }],
    ]
    for (const [change, where] of bad) {
      await rejection(c.update('a', change, where ? { where } : {}))
      expect(await c.get('a')).toStrictEqual(thing('a', { n: 1 }))
    }
  })

  it('deletes a document only while the filter holds', async () => {
    const c = await things()
    await c.insert(thing('a', { n: 1 }))
    expect(await c.delete('a', { n: 2 })).toBe(false)
    expect(await c.get('a')).toBeDefined()
    expect(await c.delete('a', { n: 1 })).toBe(true)
    expect(await c.delete('a')).toBe(false)
    expect(await c.get('a')).toBeUndefined()
    expect(await c.insert(thing('a'))).toBe(true)
  })

  it('stores events with the write that causes them, and only when the write applies', async () => {
    const c = await things()
    expect(await c.insert(thing('a', { n: 1 }), { events: [event('e1')] })).toBe(true)
    expect(await c.insert(thing('a'), { events: [event('lost')] })).toBe(false)
    await c.insert(thing('b'))
    expect(await c.get('a')).toStrictEqual(thing('a', { n: 1 }))
    expect(await c.pendingEvents()).toStrictEqual([{ id: 'a', events: [event('e1')] }])

    expect(
      await c.update(
        'a',
        { inc: { n: 1 } },
        { where: { n: 1 }, events: [event('e2'), event('e3')] },
      ),
    ).toStrictEqual(thing('a', { n: 2 }))
    expect(
      await c.update('a', { inc: { n: 1 } }, { where: { n: 1 }, events: [event('never')] }),
    ).toBeUndefined()
    expect(await c.pendingEvents()).toStrictEqual([
      { id: 'a', events: [event('e1'), event('e2'), event('e3')] },
    ])
    const found = await c.find('by_group')
    expect(found.map((d) => Object.keys(d).includes('_outbox'))).toEqual([false, false])
  })

  it('refuses events on a collection without an outbox, writing nothing', async () => {
    const s = await fresh()
    await s.prepare('contract', [CODES])
    const codes = s.collection<{ _id: string; code?: string }>('contract', CODES)
    expect(
      (await rejection(codes.insert({ _id: 'a' }, { events: [event('e1')] }))).message,
    ).toMatch(/codes has no outbox/)
    expect(await codes.get('a')).toBeUndefined()
    await codes.insert({ _id: 'a' })
    await rejection(codes.update('a', { set: { code: 'x' } }, { events: [event('e2')] }))
    expect(await codes.get('a')).toStrictEqual({ _id: 'a' })
    expect(await codes.pendingEvents()).toEqual([])
  })

  it('clears published events only, keeping those stored since', async () => {
    const c = await things()
    await c.insert(thing('a'), { events: [event('e1'), event('e2')] })
    await c.update('a', { set: { s: 'x' } }, { events: [event('e3')] })
    await c.clearEvents('a', [event('e1'), event('e3')])
    expect(await c.pendingEvents()).toStrictEqual([{ id: 'a', events: [event('e2')] }])
    await c.clearEvents('a', [event('e2')])
    expect(await c.pendingEvents()).toEqual([])
    await c.clearEvents('a', [event('e2')])
    await c.clearEvents('missing', [event('e1')])
    expect(await c.get('a')).toStrictEqual(thing('a', { s: 'x' }))
  })

  it('clears the events a write stored, as the write gave them, without reading them first', async () => {
    const c = await things()
    const stored = [event('e1'), { ...event('e2'), headers: { traceparent: 't' } }]
    await c.insert(thing('a'), { events: stored })
    await c.clearEvents('a', stored)
    expect(await c.pendingEvents()).toEqual([])
    expect(await c.get('a')).toStrictEqual(thing('a'))
  })

  it('lets exactly 10 of 100 concurrent guarded decrements of 10 units apply', async () => {
    const c = await things()
    await c.insert(thing('stock', { n: 10 }))
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        c.update('stock', { inc: { n: -1 } }, { where: { n: { $gte: 1 } } }),
      ),
    )
    expect(results.filter((r) => r !== undefined)).toHaveLength(10)
    expect((await c.get('stock'))?.n).toBe(0)
  })

  it('lets exactly one of 50 concurrent compare-and-set moves win', async () => {
    const c = await things()
    await c.insert(thing('a', { s: 'pending' }))
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        c.update('a', { set: { s: `moved-${i}` } }, { where: { s: 'pending' } }),
      ),
    )
    const winners = results.filter((r) => r !== undefined)
    expect(winners).toHaveLength(1)
    expect((await c.get('a'))?.s).toBe(winners[0]?.s)
  })

  it('lets exactly one of 20 concurrent inserts of one id win', async () => {
    const c = await things()
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => c.insert(thing('once', { n: i }))),
    )
    expect(results.filter(Boolean)).toHaveLength(1)
    expect((await c.get('once'))?.n).toBe(results.indexOf(true))
  })

  it('keeps every one of 20 concurrent adds to a set, each once', async () => {
    const c = await things()
    await c.insert(thing('a', { tags: [] }))
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => c.update('a', { addToSet: { tags: `t${i % 20}` } })),
    )
    expect([...((await c.get('a'))?.tags ?? [])].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `t${i}`).sort(),
    )
  })
})
