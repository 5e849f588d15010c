/**
 * The system spread over separate runtimes in this process — each with its own Consul
 * registry client on a real agent (test/servers/consul.ts) and its own store, sharing only
 * the in-process bus — finds its parts through Consul: the order flow works, a stock
 * instance that dies without deregistering is dropped by its health check while orders keep
 * succeeding, and a graceful stop deregisters at once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { stock as stockDomain } from '../functions/stock/domain.ts'
import { type Adapters, createAdapters } from '../runtime/adapters/create-adapters.ts'
import { memoryDocuments } from '../runtime/adapters/documents/memory/memory-documents.ts'
import { consulRegistry } from '../runtime/adapters/registry/consul/consul-registry.ts'
import { serviceNameOf } from '../runtime/adapters/registry/consul/service-name.ts'
import { listDomainNames, loadFunctions } from '../runtime/catalog.ts'
import type { Registry } from '../runtime/ports/registry.ts'
import {
  dataOf,
  post,
  sessionIdIn,
  signedStripeEvent,
  silentLogger,
  startSystem,
  type TestSystem,
  testConfig,
  waitFor,
} from './fixtures.ts'
import { type ConsulServer, consulUnavailable, startConsul } from './servers/consul.ts'

const skip = consulUnavailable()

/** The stock functions called over gRPC (a second stock runtime hosts only these). */
const STOCK_GRPC = (await loadFunctions([stockDomain.name]))
  .filter((f) => f.def.kind === 'grpc')
  .map((f) => f.name)
/** Every domain of the catalog, each started in a runtime of its own. */
const DOMAINS = await listDomainNames()

interface Started {
  system: TestSystem
  registry: Registry
  /** Ids this runtime registered (removed after each test, even when it never deregistered). */
  ids: string[]
  stopped: boolean
}

describe.skipIf(skip)('the system discovered through Consul', () => {
  let consul: ConsulServer
  let shared: Adapters
  const started: Started[] = []

  beforeAll(async () => {
    consul = await startConsul()
    shared = await createAdapters(testConfig(), silentLogger)
  })
  afterAll(async () => {
    await shared?.bus.close()
    await consul?.close()
  })
  afterEach(async () => {
    for (const s of started.splice(0).reverse()) {
      if (!s.stopped) await s.system.stop().catch(() => {})
      for (const id of s.ids) await s.registry.deregister(id).catch(() => {})
      await s.registry.close()
      await s.system.adapters.store.close()
    }
  })

  /** One runtime with its own Consul registry and store; `dies` makes deregister a no-op. */
  async function start(select: string[], { dies = false } = {}): Promise<Started> {
    // The runtime prepares and seeds the domains it hosts in its own store.
    const store = memoryDocuments()
    const registry = await consulRegistry({ address: consul.addr, log: silentLogger })
    const ids: string[] = []
    const seen: Registry = {
      ...registry,
      async register(instance) {
        ids.push(instance.id)
        await registry.register(instance)
      },
      deregister: dies ? async () => {} : registry.deregister,
    }
    const system = await startSystem({ select, adapters: { ...shared, store, registry: seen } })
    const one: Started = { system, registry, ids, stopped: false }
    started.push(one)
    return one
  }

  /** One runtime per domain of the catalog, by domain name. */
  const startAll = async () => {
    const byDomain: Record<string, Started> = {}
    for (const name of DOMAINS) byDomain[name] = await start([name])
    const of = (name: string) => {
      const one = byDomain[name]
      if (!one) throw new Error(`the catalog has no domain ${name}`)
      return one
    }
    return { gateway: of('gateway'), orders: of('orders'), stock: of('stock') }
  }

  const stop = async (one: Started) => {
    await one.system.stop()
    one.stopped = true
  }

  /** Where `name` runs according to a registry (ports of its passing instances). */
  const ports = async (registry: Registry, name: string) =>
    (await registry.resolve(name)).map((i) => i.port).sort()

  /** Every instance the agent knows of a function, passing or not, with its own check's status. */
  const known = async (name: string) => {
    const res = await fetch(`http://${consul.addr}/v1/health/service/${serviceNameOf(name)}`)
    const entries = (await res.json()) as {
      Service: { ID: string }
      Checks: { ServiceID: string; Status: string }[]
    }[]
    return entries.map(({ Service, Checks }) => ({
      id: Service.ID,
      status: Checks.find((c) => c.ServiceID === Service.ID)?.Status,
    }))
  }

  const order = (gateway: TestSystem, customer = 'ann') =>
    gateway.json(
      `/api/customers/${customer}/orders`,
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )

  it('runs the order flow with every call found through Consul', async () => {
    const { gateway, orders, stock } = await startAll()
    expect(gateway.registry.kind).toBe('consul')
    expect(await ports(orders.registry, 'stock.reserve-stock')).toEqual([
      stock.system.runtime.bound.grpcPort,
    ])

    const menu = await gateway.system.json('/api/menu')
    expect(menu.status).toBe(200)
    expect(menu.body.items.find((i: { id: string }) => i.id === 'fries')?.available).toBe(200)

    const created = await order(gateway.system)
    expect(created.status).toBe(201)
    const orderId = created.body.order.id as string
    const path = `/api/customers/ann/orders/${orderId}`
    const link = await waitFor(
      async () => (await gateway.system.json(path)).body.order.paymentLink || undefined,
      {
        what: 'payment link',
      },
    )
    // The webhook reaches the payments runtime's HTTP function through the gateway, also found
    // through Consul.
    const { payload, signature } = signedStripeEvent({
      orderId,
      customerId: 'ann',
      sessionId: sessionIdIn(link),
    })
    const webhook = await gateway.system.fetch(
      '/api/payments/webhook',
      post(payload, { 'stripe-signature': signature }),
    )
    expect(webhook.status).toBe(200)
    await waitFor(
      async () =>
        (await gateway.system.json(path)).body.order.status === 'ready' ? true : undefined,
      { what: 'ready' },
    )
    const after = await gateway.system.json('/api/menu')
    expect(after.body.items.find((i: { id: string }) => i.id === 'fries')?.available).toBe(199)
  })

  it('keeps orders succeeding when a stock instance dies without deregistering', async () => {
    const { gateway, orders, stock } = await startAll()
    const doomed = await start(STOCK_GRPC, { dies: true })
    const survivor = stock.system.runtime.bound.grpcPort
    const dead = doomed.system.runtime.bound.grpcPort
    // Each stock runtime has its own store: plenty of fries in both for the stream of orders.
    for (const s of [stock, doomed])
      await dataOf(stockDomain, s.system.adapters.store).setOnHand('fries', 10_000)
    await waitFor(async () =>
      (await ports(orders.registry, 'stock.reserve-stock')).length === 2 ? true : undefined,
    )
    for (let i = 0; i < 6; i++) expect((await order(gateway.system)).status).toBe(201)
    // Calls were balanced over both instances.
    const reserved = async (s: Started) =>
      (await dataOf(stockDomain, s.system.adapters.store).levels(['fries']))[0]?.reserved
    expect(await reserved(stock)).toBeGreaterThan(0)
    expect(await reserved(doomed)).toBeGreaterThan(0)

    // Abrupt: its gRPC server goes away and nothing is deregistered.
    await stop(doomed)
    const stoppedAt = Date.now()
    let attempts = 0
    let failures = 0
    while ((await ports(orders.registry, 'stock.reserve-stock')).includes(dead as number)) {
      if (Date.now() - stoppedAt > 10_000) throw new Error('the dead instance was never dropped')
      attempts += 1
      const { status } = await order(gateway.system)
      if (status !== 201) failures += 1
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    const detectedMs = Date.now() - stoppedAt
    expect(await ports(orders.registry, 'stock.reserve-stock')).toEqual([survivor])
    // Dropped by its health check (still known to Consul, critical), not by a deregistration.
    const doomedReserve = doomed.ids.find((id) => id.startsWith('stock.reserve-stock-'))
    expect((await known('stock.reserve-stock')).find((i) => i.id === doomedReserve)?.status).toBe(
      'critical',
    )
    expect(detectedMs).toBeLessThan(5000)
    // The client tries the next instance on UNAVAILABLE, so failures are rare; they are bounded.
    expect(failures).toBeLessThanOrEqual(Math.max(3, Math.ceil(attempts * 0.1)))

    const results: number[] = []
    for (let i = 0; i < 30; i++) results.push((await order(gateway.system)).status)
    expect(results).toEqual(Array(30).fill(201))
  })

  it('deregisters at once on a graceful stop', async () => {
    const { orders, stock } = await startAll()
    const second = await start(STOCK_GRPC)
    const port = second.system.runtime.bound.grpcPort as number
    await waitFor(async () =>
      (await ports(orders.registry, 'stock.reserve-stock')).includes(port) ? true : undefined,
    )
    const ids = [...second.ids]
    expect(ids).toHaveLength(STOCK_GRPC.length)

    await stop(second)
    const stoppedAt = Date.now()
    // Gone from the agent altogether (not merely critical) as soon as stop() returns …
    for (const name of STOCK_GRPC)
      expect((await known(name)).filter((i) => ids.includes(i.id))).toEqual([])
    // … and from the other runtimes' caches well before a health check could have noticed.
    await waitFor(
      async () =>
        (await ports(orders.registry, 'stock.reserve-stock')).includes(port) ? undefined : true,
      { timeoutMs: 1000, intervalMs: 5, what: 'the stopped instance gone from the cache' },
    )
    expect(Date.now() - stoppedAt).toBeLessThan(1000)
    expect(await ports(orders.registry, 'stock.reserve-stock')).toEqual([
      stock.system.runtime.bound.grpcPort,
    ])
  })
})
