/**
 * A new domain needs no change to the runtime: the example `loyalty` domain of
 * test/fixtures/domains (a collection, a gRPC method, a consumer of order.ready, one setting)
 * runs next to the real domains — on the embedded store and on MongoDB (FerretDB) — its setting
 * validated at start and read only by it, its data in its own collection, its method served over
 * gRPC, and nothing under runtime/ naming it.
 */
import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { credentials } from '@grpc/grpc-js'
import { MongoClient } from 'mongodb'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { loadFunctions } from '../runtime/catalog.ts'
import { describeSettings } from '../runtime/config/load-configuration.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import type { GetPointsResponse } from './fixtures/domains/loyalty/gen/loyalty.ts'
import { LoyaltyServiceClient } from './fixtures/domains/loyalty/gen/loyalty.ts'
import { post, sessionIdIn, signedStripeEvent, silentLogger, testEnv, waitFor } from './fixtures.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'

const FIXTURE_DOMAINS = join(import.meta.dirname, 'fixtures', 'domains')
const RUNTIME_DIR = join(import.meta.dirname, '..', 'runtime')

async function everyFunction() {
  return [...(await loadFunctions()), ...(await loadFunctions([], FIXTURE_DOMAINS))]
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => join(e.parentPath, e.name))
}

/** Points of a customer, asked over gRPC on the runtime's port. */
function pointsOverGrpc(port: number, customerId: string): Promise<GetPointsResponse> {
  const client = new LoyaltyServiceClient(`127.0.0.1:${port}`, credentials.createInsecure())
  return new Promise<GetPointsResponse>((resolve, reject) =>
    client.getPoints({ customerId }, (err, res) => (err ? reject(err) : resolve(res))),
  ).finally(() => client.close())
}

function loyaltySuite(label: string, extraEnv: () => Record<string, string>) {
  describe(`the loyalty domain, ${label}`, () => {
    let runtime: Runtime | undefined
    afterEach(async () => {
      await runtime?.stop()
      runtime = undefined
    })

    async function start(env: Record<string, string>) {
      const full = testEnv({ LOYALTY_POINTS_PER_ORDER: '25', ...extraEnv(), ...env })
      runtime = await createRuntime({
        functions: await everyFunction(),
        env: full,
        log: silentLogger,
      })
      await runtime.start()
      const url = runtime.bound.httpUrl ?? ''
      return { runtime, url, env: full }
    }

    /** Places and pays an order for ann; resolves once the kitchen has made it ready. */
    async function readyOrder(url: string) {
      const placed = await fetch(
        `${url}/api/customers/ann/orders`,
        post({ items: [{ id: 'fries', quantity: 2 }] }),
      )
      expect(placed.status).toBe(201)
      const { order } = (await placed.json()) as { order: { id: string } }
      const link = await waitFor(async () => {
        const res = await fetch(`${url}/api/customers/ann/orders/${order.id}`)
        return (
          ((await res.json()) as { order: { paymentLink: string } }).order.paymentLink || undefined
        )
      })
      const { payload, signature } = signedStripeEvent({
        orderId: order.id,
        customerId: 'ann',
        sessionId: sessionIdIn(link),
      })
      const paid = await fetch(
        `${url}/api/payments/webhook`,
        post(payload, { 'stripe-signature': signature }),
      )
      expect(paid.status).toBe(200)
      await waitFor(
        async () => {
          const res = await fetch(`${url}/api/customers/ann/orders/${order.id}`)
          const body = (await res.json()) as { order: { status: string } }
          return body.order.status === 'ready' ? true : undefined
        },
        { what: 'the order to be ready' },
      )
      return order.id
    }

    it('earns points per ready order (its setting), once per order, served over gRPC', async () => {
      const sys = await start({})
      const first = await readyOrder(sys.url)
      const port = sys.runtime.bound.grpcPort ?? 0
      await expect
        .poll(async () => (await pointsOverGrpc(port, 'ann')).points, { timeout: 10_000 })
        .toBe(25)
      const second = await readyOrder(sys.url)
      await expect
        .poll(async () => (await pointsOverGrpc(port, 'ann')).points, { timeout: 10_000 })
        .toBe(50)

      // The same fact delivered again (a new message id): no points twice.
      const ready = {
        eventId: `${first}:ready-again`,
        orderId: first,
        customerId: 'ann',
        occurredAt: new Date().toISOString(),
      }
      await sys.runtime.adapters.bus.publish('order.ready', ready)
      await new Promise((resolve) => setTimeout(resolve, 300))
      expect(await pointsOverGrpc(port, 'ann')).toEqual({
        customerId: 'ann',
        points: 50,
        orderIds: [first, second],
      })
      // On MongoDB the account is a document of the domain's own collection.
      if (sys.env.MONGODB_URI) {
        const client = new MongoClient(sys.env.MONGODB_URI)
        try {
          expect(
            await client
              .db()
              .collection('loyalty.accounts')
              .findOne({ _id: 'ann' as never }),
          ).toEqual({
            _id: 'ann',
            points: 50,
            orderIds: [first, second],
          })
        } finally {
          await client.close()
        }
      }
      // Through the binding, as `oms invoke` runs it.
      expect(await sys.runtime.invoke('loyalty.get-points', { customerId: 'bob' })).toEqual({
        customerId: 'bob',
        points: 0,
        orderIds: [],
      })
      await expect(sys.runtime.invoke('loyalty.get-points', {})).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
      })
    })

    it('gives its setting to its own functions only, and refuses a bad value naming it', async () => {
      const sys = await start({ LOYALTY_POINTS_PER_ORDER: '7' })
      expect(sys.runtime.contextOf('loyalty.on-order-ready').settings).toEqual({
        pointsPerOrder: 7,
      })
      expect(sys.runtime.contextOf('menu.list-items').settings).toEqual({})
      expect(sys.runtime.contextOf('kitchen.cook').settings).not.toHaveProperty('pointsPerOrder')
      await sys.runtime.stop()
      runtime = undefined
      await expect(
        createRuntime({
          functions: await everyFunction(),
          env: testEnv({ ...extraEnv(), LOYALTY_POINTS_PER_ORDER: 'many' }),
          log: silentLogger,
        }),
      ).rejects.toThrow(/LOYALTY_POINTS_PER_ORDER: must be a whole number/)
    })
  })
}

loyaltySuite('on the embedded store', () => ({}))

describe.skipIf(mongoUnavailable())('on MongoDB', () => {
  let server: MongoServer
  beforeAll(async () => {
    server = await startMongoServer()
  }, 30_000)
  afterAll(async () => {
    await server?.close()
  })
  loyaltySuite('on MongoDB (FerretDB)', () => ({
    MONGODB_URI: server.uri('loyalty'),
    RETRY_DELAYS_MS: '50,100,200,400,800,1600',
  }))
})

describe('what the runtime knows of the new domain', () => {
  it('names it nowhere under runtime/', async () => {
    for (const file of await filesUnder(RUNTIME_DIR)) {
      const text = await readFile(file, 'utf8')
      expect(text.includes('loyalty') || text.includes('fixtures/domains'), file).toBe(false)
    }
  })

  it('lists its setting with the runtime’s and the other domains’, read by loyalty alone', async () => {
    const { loyalty } = await import('./fixtures/domains/loyalty/domain.ts')
    const rows = describeSettings([loyalty])
    const row = rows.find((r) => r.setting.env === 'LOYALTY_POINTS_PER_ORDER')
    expect(row?.owners).toEqual(['loyalty'])
    expect(rows.find((r) => r.setting.env === 'PORT')?.owners).toEqual(['runtime'])
  })
})
