/**
 * What an operator sees of a running system, on the embedded adapters: one access line per
 * HTTP request, 4xx included, with its status and error code; a request id accepted or made,
 * returned, on the lines written while answering it and on both sides of a forward; the trace
 * named in the answer; and Prometheus `/metrics` on every process — protected on the HTTP port,
 * parsed, and moving as an order is placed, paid and cooked.
 */
import { Writable } from 'node:stream'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Adapters, createAdapters } from '../runtime/adapters/create-adapters.ts'
import { loadFunctions } from '../runtime/catalog.ts'
import { createRuntime, type Runtime } from '../runtime/host.ts'
import { createLogger } from '../runtime/log.ts'
import { domain } from '../runtime/model/domain.ts'
import { menuService } from '../shared/services.ts'
import {
  ADMIN_TOKEN,
  post,
  sessionIdIn,
  signedStripeEvent,
  silentLogger,
  testConfig,
  testEnv,
  waitFor,
} from './fixtures.ts'
import { parseScrape } from './prometheus-text.ts'
import { freePort } from './servers/free-port.ts'

type Line = Record<string, unknown> & { level: string; msg: string }

/** A logger whose lines (debug and up) are kept, parsed. */
function keptLines() {
  const lines: Line[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, log: createLogger('debug', {}, sink) }
}

/** The access line of a request (it may be written a moment after the answer). */
function accessLineOf(lines: Line[], requestId: string): Promise<Line> {
  return waitFor(() => lines.find((l) => l.requestId === requestId && 'status' in l), {
    what: `the access line of ${requestId}`,
  })
}

/** A function of the test's own: logs while it answers, and calls menu as the gateway does. */
const probing = domain('probe', { clients: { menu: menuService } })
const probe = probing.http((ctx) =>
  new Hono().get('/probe', async (c) => {
    ctx.log.info('probing')
    const { items } = await ctx.clients.menu.listItems({})
    return c.json({ items: items.length })
  }),
)

describe('one process hosting every function', () => {
  let runtime: Runtime
  let url: string
  const { lines, log } = keptLines()

  beforeAll(async () => {
    runtime = await createRuntime({
      env: testEnv(),
      functions: [
        ...(await loadFunctions([])),
        { name: 'probe.probe', domain: 'probe', def: probe },
      ],
      log,
    })
    await runtime.start()
    url = runtime.bound.httpUrl as string
  })
  afterAll(() => runtime.stop())

  it('writes a warn access line for a 4xx, with its route, status and error code', async () => {
    const res = await fetch(`${url}/api/customers/alice/orders/no-such-order`)
    expect(res.status).toBe(404)
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f]{24,}$/)
    const line = await accessLineOf(lines, requestId as string)
    expect(line).toMatchObject({
      level: 'warn',
      method: 'GET',
      route: '/api/customers/:customerId/orders/:orderId',
      path: '/api/customers/alice/orders/no-such-order',
      status: 404,
      code: 'ORDER_NOT_FOUND',
      ms: expect.any(Number),
    })
    expect(line.msg).toMatch(
      /^GET \/api\/customers\/:customerId\/orders\/:orderId 404 ORDER_NOT_FOUND [\d.]+ ms$/,
    )
    // Not exporting, the request still ran in a trace, which the answer names.
    expect(line.trace_id).toMatch(/^[0-9a-f]{32}$/)
    expect(res.headers.get('x-trace-id')).toBe(line.trace_id)

    const bad = await fetch(`${url}/api/customers/alice/orders`, post({ items: 'none' }))
    expect(bad.status).toBe(400)
    expect(await accessLineOf(lines, bad.headers.get('x-request-id') as string)).toMatchObject({
      level: 'warn',
      method: 'POST',
      status: 400,
      code: 'INVALID_REQUEST',
    })
  })

  it('echoes the caller’s x-request-id and puts it on every line written while answering', async () => {
    const res = await fetch(`${url}/probe`, { headers: { 'x-request-id': 'probe-1234' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('x-request-id')).toBe('probe-1234')
    const during = await waitFor(() => lines.find((l) => l.msg === 'probing'))
    expect(during).toMatchObject({ requestId: 'probe-1234', fn: 'probe.probe' })
    const access = await accessLineOf(lines, 'probe-1234')
    expect(access).toMatchObject({ level: 'info', route: '/probe', status: 200 })
    expect(during.trace_id).toBe(access.trace_id)
  })

  it('replaces an x-request-id that is not sane', async () => {
    const res = await fetch(`${url}/api/menu`, { headers: { 'x-request-id': 'a b c' } })
    const requestId = res.headers.get('x-request-id') as string
    expect(requestId).toMatch(/^[0-9a-f]{24,}$/)
    expect((await accessLineOf(lines, requestId)).status).toBe(200)
  })

  it('logs probes at debug', async () => {
    const res = await fetch(`${url}/healthz`)
    expect(res.status).toBe(200)
    const line = await accessLineOf(lines, res.headers.get('x-request-id') as string)
    expect(line).toMatchObject({ level: 'debug', route: '/healthz', status: 200 })
  })

  it('serves /metrics to ADMIN_TOKEN only, and its counters move as an order is cooked', async () => {
    expect((await fetch(`${url}/metrics`)).status).toBe(404)
    const wrong = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(404)
    const scrape = async () => {
      const res = await fetch(`${url}/metrics`, {
        headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      return parseScrape(await res.text())
    }
    const before = await scrape()
    expect(before.types.get('process_cpu_user_seconds_total')).toBe('counter')

    // An order, placed, paid and cooked.
    const created = await fetch(
      `${url}/api/customers/mia/orders`,
      post({ items: [{ id: 'fries', quantity: 1 }] }),
    )
    expect(created.status).toBe(201)
    const { order } = (await created.json()) as { order: { id: string } }
    const orderUrl = `${url}/api/customers/mia/orders/${order.id}`
    const orderNow = async () =>
      ((await (await fetch(orderUrl)).json()) as { order: { status: string; paymentLink: string } })
        .order
    const link = await waitFor(async () => (await orderNow()).paymentLink ?? undefined, {
      what: 'the payment link',
    })
    const event = signedStripeEvent({
      orderId: order.id,
      customerId: 'mia',
      sessionId: sessionIdIn(link),
    })
    const paid = await fetch(
      `${url}/api/payments/webhook`,
      post(event.payload, { 'stripe-signature': event.signature }),
    )
    expect(paid.status).toBe(200)
    await waitFor(async () => ((await orderNow()).status === 'ready' ? true : undefined), {
      what: 'the order to be ready',
    })

    // The last counts are written as the cook's job ends, a moment after the order is ready.
    const cooked = { function: 'kitchen.cook', outcome: 'done' }
    const after = await waitFor(async () => {
      const s = await scrape()
      return s.value('oms_worker_jobs_finished_total', cooked) >
        before.value('oms_worker_jobs_finished_total', cooked)
        ? s
        : undefined
    })
    const moved = (read: (s: typeof before) => number) => read(after) - read(before)

    const placing = { method: 'POST', route: '/api/customers/:customerId/orders', status: '201' }
    expect(moved((s) => s.value('oms_http_requests_total', placing))).toBe(1)
    expect(moved((s) => s.count('oms_http_request_duration_seconds', placing))).toBe(1)
    const createOrder = { method: 'oms.v1.OrderService/CreateOrder', code: 'OK' }
    expect(moved((s) => s.value('oms_grpc_server_calls_total', createOrder))).toBe(1)
    expect(moved((s) => s.count('oms_grpc_server_call_duration_seconds', createOrder))).toBe(1)
    expect(moved((s) => s.value('oms_bus_published_total', { event: 'order.created' }))).toBe(1)
    const paymentsSawIt = { consumer: 'payments.on-order-created', outcome: 'ok' }
    expect(moved((s) => s.value('oms_bus_consumed_total', paymentsSawIt))).toBe(1)
    const ordersInsert = { namespace: 'orders', collection: 'orders', operation: 'insert' }
    expect(
      moved((s) => s.count('oms_store_operation_duration_seconds', ordersInsert)),
    ).toBeGreaterThanOrEqual(1)
    expect(
      moved((s) => s.value('oms_worker_jobs_started_total', { function: 'kitchen.cook' })),
    ).toBe(1)
    expect(moved((s) => s.count('oms_worker_job_duration_seconds', cooked))).toBe(1)
    expect(after.value('oms_worker_jobs_running', { function: 'kitchen.cook' })).toBe(0)
  })
})

describe('a process without HTTP functions', () => {
  let adapters: Adapters
  beforeAll(async () => {
    adapters = await createAdapters(testConfig(), silentLogger)
  })
  afterAll(async () => {
    await adapters.bus.close()
    await adapters.store.close()
  })

  async function kitchenAlone(env: Record<string, string> = {}) {
    const runtime = await createRuntime({
      env: testEnv(env),
      functions: await loadFunctions(['kitchen']),
      adapters,
      log: silentLogger,
    })
    await runtime.start()
    return runtime
  }

  it('serves /metrics and /healthz on a loopback port of their own, to anyone there', async () => {
    const runtime = await kitchenAlone()
    try {
      expect(runtime.bound.httpUrl).toBeUndefined()
      const metricsUrl = runtime.bound.metricsUrl as string
      expect(metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/)
      const res = await fetch(metricsUrl)
      expect(res.status).toBe(200)
      const scrape = parseScrape(await res.text())
      expect(scrape.types.get('oms_worker_jobs_started_total')).toBe('counter')
      expect(scrape.types.get('oms_bus_consumed_total')).toBe('counter')
      expect((await fetch(metricsUrl.replace('/metrics', '/healthz'))).status).toBe(200)
    } finally {
      await runtime.stop()
    }
  })

  it('serves them on METRICS_PORT when it is set', async () => {
    const port = await freePort()
    const runtime = await kitchenAlone({ METRICS_PORT: String(port) })
    try {
      expect(runtime.bound.metricsUrl).toBe(`http://127.0.0.1:${port}/metrics`)
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200)
    } finally {
      await runtime.stop()
    }
  })
})

describe('a request forwarded to another process', () => {
  let adapters: Adapters
  const gatewaySide = keptLines()
  const paymentsSide = keptLines()
  const runtimes: Runtime[] = []
  let url: string

  beforeAll(async () => {
    adapters = await createAdapters(testConfig(), silentLogger)
    // Payments first, so the gateway's forward finds it registered.
    for (const [select, side] of [
      ['payments', paymentsSide],
      ['gateway', gatewaySide],
    ] as const) {
      const runtime = await createRuntime({
        env: testEnv(),
        functions: await loadFunctions([select]),
        adapters,
        log: side.log,
      })
      await runtime.start()
      runtimes.push(runtime)
    }
    url = runtimes[1]?.bound.httpUrl as string
  })
  afterAll(async () => {
    for (const runtime of runtimes.reverse()) await runtime.stop()
    await adapters.bus.close()
    await adapters.store.close()
  })

  const webhook = (headers: Record<string, string>) =>
    fetch(`${url}/api/payments/webhook`, post('{}', { 'stripe-signature': 'bad', ...headers }))

  it('carries the request id to the other process: both lines name it, with the error code', async () => {
    for (const given of ['forwarded-7', undefined]) {
      const res = await webhook(given ? { 'x-request-id': given } : {})
      expect(res.status).toBe(400)
      const requestId = res.headers.get('x-request-id') as string
      if (given) expect(requestId).toBe(given)
      for (const side of [gatewaySide, paymentsSide])
        expect(await accessLineOf(side.lines, requestId)).toMatchObject({
          level: 'warn',
          method: 'POST',
          route: '/api/payments/webhook',
          status: 400,
          code: 'INVALID_SIGNATURE',
        })
    }
  })
})
