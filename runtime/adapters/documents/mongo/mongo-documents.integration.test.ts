/**
 * The MongoDB document store's connection handling, on a real wire-protocol server (FerretDB
 * started here, or MONGODB_URI): a bounded startup failure naming MONGODB_URI without its
 * credentials, collections named `<domain>.<collection>` with their declared indexes, failing
 * fast while the server is down with /healthz saying so, and carrying on once it is back.
 */
import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stock } from '../../../../functions/stock/domain.ts'
import { preparedDataOf } from '../../../../test/fixtures.ts'
import {
  type MongoServer,
  mongoUnavailable,
  startMongoServer,
} from '../../../../test/servers/ferretdb.ts'
import { healthRoute } from '../../../http/health-route.ts'
import { type CollectionSpec, StoreUnavailableError } from '../../../ports/documents.ts'
import { memoryBus } from '../../bus/memory-bus.ts'
import { mongoDocuments } from './mongo-documents.ts'

const ITEMS: CollectionSpec = {
  name: 'items',
  indexes: [
    {
      name: 'by_group',
      fields: [
        ['group', 1],
        ['rank', -1],
      ],
    },
  ],
}

it('fails to start within the bound, naming MONGODB_URI, when no server answers', async () => {
  const started = performance.now()
  const attempt = mongoDocuments({
    uri: 'mongodb://user:secret@127.0.0.1:9/oms',
    serverSelectionTimeoutMs: 300,
  })
  await expect(attempt).rejects.toThrow(
    /^MONGODB_URI: cannot use MongoDB at mongodb:\/\/\*\*\*@127\.0\.0\.1:9\/oms/,
  )
  await expect(attempt).rejects.not.toThrow(/secret/)
  expect(performance.now() - started).toBeLessThan(3000)
})

describe.skipIf(mongoUnavailable())('MongoDB document store', () => {
  let server: MongoServer
  beforeAll(async () => {
    server = await startMongoServer()
  }, 30_000)
  afterAll(async () => {
    await server?.close()
  })

  it('never oversells through a plain URI (FerretDB 1.x gets one connection by itself)', async () => {
    // What a user writes: no maxPoolSize. 58 concurrent orders for 38 units.
    const plain = server.uri('plain').replace(/[?&]maxPoolSize=\d+/, '')
    expect(plain).not.toContain('maxPoolSize')
    const store = await mongoDocuments({ uri: plain })
    try {
      const stockData = await preparedDataOf(stock, store)
      await stockData.setOnHand('burger', 38)
      const results = await Promise.all(
        Array.from({ length: 58 }, (_, i) =>
          stockData.reserve(`o${i}`, [{ itemId: 'burger', quantity: 1 }]),
        ),
      )
      expect(results.filter((r) => r.ok)).toHaveLength(38)
      expect((await stockData.levels(['burger']))[0]).toMatchObject({
        onHand: 38,
        reserved: 38,
        available: 0,
      })
    } finally {
      await store.close()
    }
  }, 60_000)

  it('keeps a domain’s collection as <domain>.<collection>, with its declared indexes', async () => {
    const uri = server.uri('layout')
    const store = await mongoDocuments({ uri })
    const client = new MongoClient(uri)
    try {
      await store.prepare('shop', [ITEMS])
      await store.collection<{ _id: string; group: string; rank: number }>('shop', ITEMS).insert({
        _id: 'a',
        group: 'g',
        rank: 1,
      })
      const db = client.db()
      expect(await db.collection('shop.items').findOne({ _id: 'a' as never })).toEqual({
        _id: 'a',
        group: 'g',
        rank: 1,
      })
      const indexes = await db.collection('shop.items').indexes()
      expect(indexes.find((i) => i.name === 'by_group')?.key).toEqual({ group: 1, rank: -1 })
    } finally {
      await client.close()
      await store.close()
    }
  })

  it('fails fast while the server is down, reports it on /healthz, and carries on when it is back', async (ctx) => {
    const { restart } = server
    if (!restart) return ctx.skip('the server at MONGODB_URI is not ours to restart')
    const store = await mongoDocuments({
      uri: server.uri('outage'),
      serverSelectionTimeoutMs: 1000,
    })
    try {
      await store.prepare('shop', [ITEMS])
      const items = store.collection<{ _id: string; group: string; rank: number }>('shop', ITEMS)
      const health = healthRoute({ store, bus: memoryBus() })
      const healthz = async () => {
        const res = await health.request('/healthz')
        return { status: res.status, body: await res.json() }
      }
      await items.insert({ _id: 'burger', group: 'food', rank: 950 })
      expect((await healthz()).status).toBe(200)

      await restart.stop()
      const started = performance.now()
      await expect(items.get('burger')).rejects.toBeInstanceOf(StoreUnavailableError)
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
      expect((await items.get('burger'))?.rank).toBe(950)
    } finally {
      await store.close()
    }
  })
})
