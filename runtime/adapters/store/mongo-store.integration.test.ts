/**
 * The MongoDB store against the store port's contract, on a real wire-protocol server
 * (FerretDB started here, or MONGODB_URI), each test in a database of its own; recovery
 * from stock calls that died half-way (set up by writing what such a call leaves behind); and
 * connection handling: a bounded startup failure naming MONGODB_URI, failing fast while the
 * server is down with /healthz saying so, and carrying on once it is back.
 */
import { type Db, MongoClient } from 'mongodb'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type MongoServer,
  mongoUnavailable,
  startMongoServer,
} from '../../../test/servers/ferretdb.ts'
import { healthRoute } from '../../http/health-route.ts'
import { memoryBus } from '../bus/memory-bus.ts'
import { COLLECTIONS } from './mongo/indexes.ts'
import { STALE_PENDING_MS } from './mongo/stock.ts'
import { mongoStore } from './mongo-store.ts'
import { storeContract } from './store-contract.ts'

it('fails to start within the bound, naming MONGODB_URI, when no server answers', async () => {
  const started = performance.now()
  const attempt = mongoStore({
    uri: 'mongodb://user:secret@127.0.0.1:9/oms',
    serverSelectionTimeoutMs: 300,
  })
  await expect(attempt).rejects.toThrow(
    /^MONGODB_URI: cannot use MongoDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:9\/oms/,
  )
  await expect(attempt).rejects.not.toThrow(/secret/)
  expect(performance.now() - started).toBeLessThan(3000)
})

describe.skipIf(mongoUnavailable())('MongoDB store', () => {
  let server: MongoServer
  beforeAll(async () => {
    server = await startMongoServer()
  })
  afterAll(async () => {
    await server?.close()
  })

  storeContract('MongoDB', () => mongoStore({ uri: server.uri('contract') }))

  describe('recovery from a call that died half-way', () => {
    const opened: { close(): Promise<unknown> }[] = []
    afterEach(async () => {
      for (const o of opened.splice(0)) await o.close()
    })

    /** The documents as stored, read or written behind the store's back. */
    interface RawStock {
      _id: string
      onHand: number
      reserved: number
      available: number
      holds: string[]
    }
    interface RawReservation {
      _id: string
      attempt: string
      lines: { itemId: string; quantity: number }[]
      state: string
      at: Date
    }

    /** A store with 10 brownies and 10 cookies, and raw access to its database. */
    async function setUp() {
      const uri = server.uri('recovery')
      const store = await mongoStore({ uri })
      const client = new MongoClient(uri)
      opened.push(store, client)
      await store.stock.setOnHand('brownie', 10)
      await store.stock.setOnHand('cookie', 10)
      const db = client.db()
      return { store, db, level: async (id: string) => (await store.stock.levels([id]))[0] }
    }

    /** What a reserve of 3 brownies and 2 cookies leaves when it dies after the first hold. */
    async function deadReserve(db: Db) {
      await db.collection<RawReservation>(COLLECTIONS.reservations).insertOne({
        _id: 'o1',
        attempt: 'dead',
        lines: [
          { itemId: 'brownie', quantity: 3 },
          { itemId: 'cookie', quantity: 2 },
        ],
        state: 'pending',
        at: new Date(Date.now() - STALE_PENDING_MS),
      })
      await db
        .collection<RawStock>(COLLECTIONS.stock)
        .updateOne(
          { _id: 'brownie' },
          { $inc: { reserved: 3, available: -3 }, $push: { holds: 'dead' } },
        )
    }

    it('takes over a reserve that died, holding each line once', async () => {
      const { store, db, level } = await setUp()
      await deadReserve(db)
      expect(await level('brownie')).toMatchObject({ reserved: 3, available: 7 })

      const result = await store.stock.reserve('o1', [
        { itemId: 'brownie', quantity: 3 },
        { itemId: 'cookie', quantity: 2 },
      ])
      expect(result.ok).toBe(true)
      expect(await level('brownie')).toMatchObject({ onHand: 10, reserved: 3, available: 7 })
      expect(await level('cookie')).toMatchObject({ onHand: 10, reserved: 2, available: 8 })
      expect(await store.stock.commit('o1')).toBe(true)
      expect(await level('brownie')).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
      expect(await level('cookie')).toMatchObject({ onHand: 8, reserved: 0, available: 8 })
    })

    it('gives back what a dead reserve held when the order is released', async () => {
      const { store, db, level } = await setUp()
      await deadReserve(db)
      expect(await store.stock.release('o1')).toBe(false)
      expect(await level('brownie')).toMatchObject({ onHand: 10, reserved: 0, available: 10 })
      expect((await store.stock.reserve('o1', [{ itemId: 'cookie', quantity: 1 }])).ok).toBe(true)
      expect(await level('cookie')).toMatchObject({ reserved: 1 })
    })

    it('finishes a commit that died after deciding, on the next call, once', async () => {
      const { store, db, level } = await setUp()
      await store.stock.reserve('o1', [
        { itemId: 'brownie', quantity: 3 },
        { itemId: 'cookie', quantity: 2 },
      ])
      await db
        .collection<RawReservation>(COLLECTIONS.reservations)
        .updateOne({ _id: 'o1' }, { $set: { state: 'committed' } })
      expect(await level('brownie')).toMatchObject({ onHand: 10, reserved: 3 })

      expect(await store.stock.commit('o1')).toBe(false)
      expect(await store.stock.release('o1')).toBe(false)
      expect(await store.stock.commit('o1')).toBe(false)
      expect(await level('brownie')).toMatchObject({ onHand: 7, reserved: 0, available: 7 })
      expect(await level('cookie')).toMatchObject({ onHand: 8, reserved: 0, available: 8 })
    })

    it('stores documents under the domain ids, and reads back plain numbers', async () => {
      const { store, db } = await setUp()
      await store.stock.reserve('o1', [{ itemId: 'brownie', quantity: 3 }])
      expect(
        await db.collection<RawStock>(COLLECTIONS.stock).findOne({ _id: 'brownie' }),
      ).toMatchObject({ _id: 'brownie', onHand: 10, reserved: 3, available: 7 })
      expect(
        await db.collection<RawReservation>(COLLECTIONS.reservations).findOne({ _id: 'o1' }),
      ).toMatchObject({ state: 'open', lines: [{ itemId: 'brownie', quantity: 3 }] })
      const [level] = await store.stock.levels(['brownie'])
      expect(Object.keys(level ?? {}).sort()).toEqual(['available', 'itemId', 'onHand', 'reserved'])
      expect(typeof level?.onHand).toBe('number')
    })
  })

  it('fails fast while the server is down, reports it on /healthz, and carries on when it is back', async (ctx) => {
    const { restart } = server
    if (!restart) return ctx.skip('the server at MONGODB_URI is not ours to restart')
    const store = await mongoStore({ uri: server.uri('outage'), serverSelectionTimeoutMs: 1000 })
    try {
      const health = healthRoute({ store, bus: memoryBus() })
      const healthz = async () => {
        const res = await health.request('/healthz')
        return { status: res.status, body: await res.json() }
      }
      await store.menu.upsert({
        id: 'burger',
        name: 'Burger',
        description: '',
        priceId: 'price_burger',
        unitAmount: 950,
        currency: 'eur',
      })
      expect((await healthz()).status).toBe(200)

      await restart.stop()
      const started = performance.now()
      await expect(store.menu.get('burger')).rejects.toThrow()
      expect(performance.now() - started).toBeLessThan(5000)
      const down = await healthz()
      expect(down.status).toBe(503)
      expect(down.body.checks.store).toMatchObject({
        kind: 'mongodb',
        ok: false,
        detail: expect.stringMatching(/^MongoDB unavailable: /),
      })

      await restart.start()
      await expect.poll(async () => (await healthz()).status, { timeout: 10_000 }).toBe(200)
      expect((await store.menu.get('burger'))?.unitAmount).toBe(950)
    } finally {
      await store.close()
    }
  })
})
