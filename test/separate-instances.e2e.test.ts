/**
 * The domains hosted by six separate runtimes — each with its own store, gRPC server and HTTP
 * server — talking over real gRPC on loopback (sharing only the bus and the registry), give
 * the same answers as one process hosting everything.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createAdapters } from '../runtime/adapters/create-adapters.ts'
import { memoryDocuments } from '../runtime/adapters/documents/memory/memory-documents.ts'
import {
  post,
  sessionIdIn,
  signedStripeEvent,
  silentLogger,
  startSystem,
  type TestSystem,
  testConfig,
  waitFor,
} from './fixtures.ts'
import { loadTopology } from './servers/topology.ts'

/** The catalog's domains, the order to start them in and the entry point serving the API. */
const topology = await loadTopology()

/** One runtime per domain, each with a store of its own (seeded by the runtime at start). */
async function startSeparately(): Promise<{ gateway: TestSystem; all: TestSystem[] }> {
  const shared = await createAdapters(testConfig(), silentLogger)
  const all: TestSystem[] = []
  let gateway: TestSystem | undefined
  for (const domain of topology.startOrder) {
    const system = await startSystem({
      select: [domain],
      adapters: { ...shared, store: memoryDocuments() },
    })
    all.push(system)
    if (domain === topology.entry) gateway = system
  }
  if (!gateway) throw new Error(`the entry point ${topology.entry} was not started`)
  return { gateway, all }
}

/** Runs one scripted session against a system and returns what a client saw, ids normalised. */
async function scenario(sys: TestSystem) {
  const seen: unknown[] = []
  const record = (label: string, r: { status: number; body: unknown }) => seen.push({ label, ...r })
  const scrub = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>')
        .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, '<time>')
        .replace(/cs_local_\w+/g, '<session>')
        .replace(/localhost:\d+/g, 'localhost'),
    )

  record('menu', await sys.json('/api/menu'))
  const created = await sys.json(
    '/api/customers/ann/orders',
    post({
      items: [
        { id: 'fries', quantity: 2 },
        { id: 'fries', quantity: 1 },
        { id: 'lemonade', quantity: 1 },
      ],
    }),
  )
  record('create', created)
  const orderId = created.body.order.id as string
  record(
    'unknown item',
    await sys.json('/api/customers/ann/orders', post({ items: [{ id: 'caviar', quantity: 1 }] })),
  )
  record(
    'out of stock',
    await sys.json('/api/customers/ann/orders', post({ items: [{ id: 'brownie', quantity: 41 }] })),
  )
  record('other customer', await sys.json(`/api/customers/bob/orders/${orderId}`))
  const link = await waitFor(
    async () =>
      (await sys.json(`/api/customers/ann/orders/${orderId}`)).body.order.paymentLink || undefined,
    { what: 'payment link' },
  )
  record('with link', await sys.json(`/api/customers/ann/orders/${orderId}`))
  record('menu after order', await sys.json('/api/menu'))

  const { payload, signature } = signedStripeEvent({
    orderId,
    customerId: 'ann',
    sessionId: sessionIdIn(link),
  })
  const webhook = await sys.fetch(
    '/api/payments/webhook',
    post(payload, { 'stripe-signature': signature }),
  )
  record('webhook', { status: webhook.status, body: await webhook.json() })
  await waitFor(
    async () =>
      (await sys.json(`/api/customers/ann/orders/${orderId}`)).body.order.status === 'ready'
        ? true
        : undefined,
    { what: 'ready' },
  )
  record('ready', await sys.json(`/api/customers/ann/orders/${orderId}`))
  record(
    'cancel ready',
    await sys.json(`/api/customers/ann/orders/${orderId}/cancel`, { method: 'POST' }),
  )
  record('list', await sys.json('/api/customers/ann/orders'))
  return scrub(seen)
}

describe('domains in separate runtimes over gRPC', () => {
  const systems: TestSystem[] = []
  afterEach(async () => {
    for (const s of systems.splice(0).reverse()) await s.stop()
  })

  it('serves the same answers as one process hosting everything', async () => {
    const together = await startSystem()
    systems.push(together)
    const expected = await scenario(together)

    const { gateway, all } = await startSeparately()
    systems.push(...all)
    // Nothing but the entry point serves the public API, and it hosts no other domain's function.
    expect(gateway.runtime.functions.length).toBeGreaterThan(0)
    expect(gateway.runtime.functions.every((f) => f.domain === topology.entry)).toBe(true)
    expect(all).toHaveLength(topology.domains.length)
    const actual = await scenario(gateway)

    expect(actual).toEqual(expected)
  })

  it('calls cross process boundaries through registered gRPC servers', async () => {
    const { gateway, all } = await startSeparately()
    systems.push(...all)
    const registry = gateway.adapters.registry
    const [reserve] = await registry.resolve('stock.reserve-stock')
    const stock = all.find((s) => s.runtime.functions.some((f) => f.name === 'stock.reserve-stock'))
    expect(reserve?.port).toBe(stock?.runtime.bound.grpcPort)
    expect(reserve?.port).not.toBe(gateway.runtime.bound.grpcPort)

    // Stop stock: the gateway now gets a clear 503, not a crash.
    await stock?.stop()
    systems.splice(systems.indexOf(stock as TestSystem), 1)
    const res = await gateway.json(
      '/api/customers/ann/orders',
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(res.status).toBe(503)
    expect(res.body.error.code).toBe('UNAVAILABLE')
  })
})
