/**
 * The serverless-style deployment for real: `oms build` bundles, one OS process per domain
 * (gateway, orders, stock, menu, payments, kitchen), talking over gRPC and RabbitMQ and
 * finding each other through the static address map. The order flow works end to end, and
 * SIGTERM stops a process gracefully: nothing it accepted fails, and it exits 0.
 */
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client, credentials, status } from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kitchen } from '../functions/kitchen/domain.ts'
import { menu } from '../functions/menu/domain.ts'
import { orders } from '../functions/orders/domain.ts'
import { stock } from '../functions/stock/domain.ts'
import { buildBundles } from '../runtime/build/build-bundles.ts'
import { type GrpcService, messageCopies } from '../runtime/model/grpc-service.ts'
import { post, sessionIdIn, signedStripeEvent, WEBHOOK_SECRET, waitFor } from './fixtures.ts'
import { parseScrape, type Scrape } from './prometheus-text.ts'
import { DOMAINS, INTERNAL_TOKEN, type ProcessSystem, startProcesses } from './servers/processes.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './servers/rabbitmq.ts'
import { rawCall } from './servers/raw-grpc.ts'

const run = promisify(execFile)

describe.skipIf(!(await rabbitAvailable()))('six processes from bundles', () => {
  const dist = mkdtempSync(join(tmpdir(), 'oms-dist-'))
  const namespace = testNamespace()
  let system: ProcessSystem

  beforeAll(async () => {
    await buildBundles({ outDir: dist })
    system = await startProcesses(dist, {
      AMQP_URL: RABBIT_URL,
      AMQP_NAMESPACE: namespace,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      KITCHEN_COOK_MS: '100',
      RETRY_DELAYS_MS: '200,500,1000',
    })
  }, 60_000)
  afterAll(async () => {
    await system?.stop()
    await deleteNamespace(namespace)
  })

  const json = async (path: string, init?: RequestInit) => {
    const res = await fetch(`${system.url}${path}`, init)
    return { status: res.status, body: await res.json() }
  }

  it('serves the storefront and its client code from the gateway bundle (no esbuild at run time)', async () => {
    const page = await fetch(`${system.url}/`)
    expect(page.status).toBe(200)
    const script = await fetch(`${system.url}/assets/storefront.js`)
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toContain('javascript')
    expect((await script.text()).length).toBeGreaterThan(1000)
  })

  it('takes an order from menu to ready across the six processes', async () => {
    const menu = await json('/api/menu')
    expect(menu.status).toBe(200)
    const before = menu.body.items.find((i: { id: string }) => i.id === 'fries').available

    const created = await json(
      '/api/customers/ann/orders',
      post({
        items: [
          { id: 'fries', quantity: 2 },
          { id: 'fries', quantity: 1 },
        ],
      }),
    )
    expect(created.status).toBe(201)
    expect(created.body.order.items).toEqual([
      expect.objectContaining({ id: 'fries', quantity: 3 }),
    ])
    const orderId = created.body.order.id
    const after = (await json('/api/menu')).body.items.find(
      (i: { id: string }) => i.id === 'fries',
    ).available
    expect(after).toBe(before - 3)

    const link = await waitFor(
      async () =>
        (await json(`/api/customers/ann/orders/${orderId}`)).body.order.paymentLink ?? undefined,
      { what: 'payment link' },
    )
    // The checkout page lives in the payments process; the gateway passes it through.
    const page = await fetch(`${system.url}${new URL(link).pathname}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Fries')

    const { payload, signature } = signedStripeEvent({
      orderId,
      customerId: 'ann',
      sessionId: sessionIdIn(link),
    })
    const hook = await fetch(
      `${system.url}/api/payments/webhook`,
      post(payload, { 'stripe-signature': signature }),
    )
    expect(hook.status).toBe(200)
    await waitFor(
      async () =>
        (await json(`/api/customers/ann/orders/${orderId}`)).body.order.status === 'ready'
          ? true
          : undefined,
      { what: 'ready' },
    )
    expect((await json(`/api/customers/bob/orders/${orderId}`)).status).toBe(404)
  })

  it('serves /metrics in every process: open on a loopback port where there is no HTTP, guarded on the API', async () => {
    const urls = new Map<string, string>()
    for (const [domain, proc] of system.processes) {
      const metricsUrl = /^\s+metrics\s+(\S+)/m.exec(proc.stderr())?.[1]
      expect(metricsUrl, `${domain}'s banner names its /metrics`).toBeDefined()
      if (system.ports.get(domain)?.http !== undefined) {
        // On the HTTP port: only for ADMIN_TOKEN (not set here), like the operator routes.
        expect((await fetch(metricsUrl as string)).status, domain).toBe(404)
      } else urls.set(domain, metricsUrl as string)
    }
    expect([...urls.keys()].sort()).toEqual(['kitchen', 'menu', 'orders', 'stock'])
    const scrapeAll = async () => {
      const scrapes = new Map<string, Scrape>()
      for (const [domain, url] of urls) {
        const res = await fetch(url)
        expect(res.status, domain).toBe(200)
        scrapes.set(domain, parseScrape(await res.text()))
      }
      return scrapes
    }
    const before = await scrapeAll()
    expect((await json('/api/menu')).status).toBe(200)
    const placed = await json(
      '/api/customers/mo/orders',
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(placed.status).toBe(201)
    const after = await scrapeAll()
    const moved = (domain: string, read: (s: Scrape) => number) =>
      read(after.get(domain) as Scrape) - read(before.get(domain) as Scrape)
    const ok = (method: string) => ({ method: `oms.v1.${method}`, code: 'OK' })
    const calls = (method: string) => (s: Scrape) =>
      s.value('oms_grpc_server_calls_total', ok(method))
    expect(moved('menu', calls('MenuService/ListItems'))).toBeGreaterThanOrEqual(1)
    expect(moved('orders', calls('OrderService/CreateOrder'))).toBe(1)
    expect(moved('stock', calls('StockService/ReserveStock'))).toBe(1)
    expect(
      moved('orders', (s) =>
        s.count('oms_store_operation_duration_seconds', { namespace: 'orders' }),
      ),
    ).toBeGreaterThan(0)
    expect(after.get('kitchen')?.types.get('oms_worker_jobs_started_total')).toBe('counter')
  })

  it('answers the gRPC health protocol in every process without HTTP, the kitchen included, through the built probe', async () => {
    const probed: Record<string, string> = {}
    for (const [domain, { grpc }] of system.ports) {
      if (grpc === undefined) continue
      const { stdout } = await run(process.execPath, [
        join(dist, 'health-probe.mjs'),
        `127.0.0.1:${grpc}`,
      ])
      probed[domain] = stdout.trim().split(': ')[1] ?? ''
    }
    expect(Object.keys(probed)).toEqual(
      expect.arrayContaining(['orders', 'stock', 'menu', 'kitchen']),
    )
    expect(new Set(Object.values(probed))).toEqual(new Set(['SERVING']))
    // A service it does not serve is not found: the probe fails.
    const orders = system.ports.get('orders')?.grpc
    await expect(
      run(process.execPath, [
        join(dist, 'health-probe.mjs'),
        `127.0.0.1:${orders}`,
        'oms.v1.NoService',
      ]),
    ).rejects.toMatchObject({ code: 1 })
  })

  it('refuses every method of every service without the token, with a wrong one, and from a domain it does not allow, changing nothing', async () => {
    const before = {
      menu: (await json('/api/menu')).body,
      orders: (await json('/api/customers/ann/orders')).body,
    }
    const refusals: Record<string, number[]> = {}
    const expected: Record<string, number[]> = {}
    for (const served of [menu, stock, orders, kitchen]) {
      const service = served.spec.serves as GrpcService
      const port = system.ports.get(served.name)?.grpc
      const client = new Client(`127.0.0.1:${port}`, credentials.createInsecure())
      const access = (served.spec.access ?? {}) as Record<string, Record<string, unknown>>
      try {
        for (const [method, m] of Object.entries(service.definition)) {
          // A domain the method does not list (nor the serving domain itself); none for a
          // method open to any domain (reading the menu).
          const rules = access[method] ?? {}
          const outsider =
            '*' in rules ? undefined : DOMAINS.find((d) => d !== served.name && !(d in rules))
          const codes = []
          for (const headers of <Record<string, string>[]>[
            {},
            { authorization: 'Bearer a-wrong-token-of-the-right-length-000000' },
            ...(outsider
              ? [{ authorization: `Bearer ${INTERNAL_TOKEN}`, 'x-oms-caller': outsider }]
              : []),
          ])
            codes.push(
              await rawCall(client, m, messageCopies(service, method).request({}), headers),
            )
          expected[`${service.name}/${method}`] = [
            status.UNAUTHENTICATED,
            status.UNAUTHENTICATED,
            ...(outsider ? [status.PERMISSION_DENIED] : []),
          ]
          refusals[`${service.name}/${method}`] = codes
        }
      } finally {
        client.close()
      }
    }
    expect(refusals).toEqual(expected)
    expect(Object.keys(refusals).length).toBe(17)
    // Outsiders were tried wherever a method is not open to every domain.
    expect(Object.values(expected).filter((codes) => codes.length === 3).length).toBe(14)
    expect((await json('/api/menu')).body).toEqual(before.menu)
    expect((await json('/api/customers/ann/orders')).body).toEqual(before.orders)
  })

  it('stops the gateway on SIGTERM without failing a request it accepted, exiting 0', async () => {
    const gateway = system.processes.get('gateway')!
    const results: number[] = []
    const errors: string[] = []
    let stopping = false
    const lane = async (n: number) => {
      for (let i = 0; !stopping || i < 3; i++) {
        try {
          const res = await fetch(
            `${system.url}/api/customers/s${n}/orders`,
            post({ items: [{ id: 'lemonade', quantity: 1 }] }),
          )
          results.push(res.status)
        } catch (err) {
          // Refused after the server closed: never accepted, so not a failure of an accepted request.
          errors.push(String((err as { cause?: { code?: string } }).cause?.code ?? err))
          if (stopping) return
        }
      }
    }
    const lanes = Promise.all([1, 2, 3, 4].map(lane))
    await waitFor(() => (results.length >= 20 ? true : undefined), { what: 'orders flowing' })
    stopping = true
    gateway.child.kill('SIGTERM')
    await lanes
    expect(await gateway.exited).toBe(0)
    expect(results.length).toBeGreaterThanOrEqual(20)
    expect(results.every((s) => s === 201)).toBe(true)
    expect(
      errors.every((e) => e === 'ECONNREFUSED' || e === 'ECONNRESET' || e === 'UND_ERR_SOCKET'),
    ).toBe(true)
    expect(gateway.stderr()).toContain('SIGTERM: stopping')
  })
})
