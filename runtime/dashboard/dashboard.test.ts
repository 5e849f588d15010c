/**
 * The dashboard's routes behind the operator routes' guard: its data only for the admin token
 * (or callers on this host under oms dev); its page, which holds none, also for a browser that
 * has yet to enter the token — but only where a token could let it in. Its page's script is
 * bundled on request; its JSON says what the bus and the kept spans hold.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import * as z from 'zod'
import { ADMIN_TOKEN, testConfig } from '../../test/fixtures.ts'
import { memoryBus } from '../adapters/bus/memory-bus.ts'
import { opsRoutes } from '../http/ops-routes.ts'
import { domain } from '../model/domain.ts'
import { topic } from '../model/topic.ts'
import { SpanRing } from '../telemetry/span-ring.ts'
import { type DashboardSource, dashboardRoutes } from './dashboard.ts'

const happened = topic('test.happened', z.object({ eventId: z.string() }))
const test = domain('test')

function source(overrides: Partial<DashboardSource> = {}): DashboardSource {
  const bus = memoryBus()
  return {
    functions: [
      {
        name: 'test.on-happened',
        domain: 'test',
        def: test.consumer(happened, async () => {}),
      },
    ],
    config: testConfig(),
    settingsOf: () => ({}),
    bound: () => ({ httpUrl: 'http://localhost:1234', grpcPort: 4321 }),
    routesOf: () => [],
    busKind: bus.kind,
    bus,
    spans: new SpanRing(10),
    ...overrides,
  }
}

const bearer = { authorization: `Bearer ${ADMIN_TOKEN}` }

describe('the dashboard behind the operator routes', () => {
  it('answers its data only to the admin token, but serves its page so a browser can enter it', async () => {
    const app = opsRoutes({
      bus: memoryBus(),
      adminToken: ADMIN_TOKEN,
      dashboard: dashboardRoutes(source()),
    })
    const page = await app.request('/_oms/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(await page.text()).toContain('/_oms/assets/dashboard.js')
    for (const path of ['/_oms/api/overview', '/_oms/api/queues', '/_oms/api/journey?q=x'])
      expect((await app.request(path)).status, path).toBe(404)
    const wrong = await app.request('/_oms/api/overview', {
      headers: { authorization: 'Bearer not-the-admin-token' },
    })
    expect(wrong.status).toBe(404)
    const overview = await app.request('/_oms/api/overview', { headers: bearer })
    expect(overview.status).toBe(200)
    expect(await overview.json()).toMatchObject({
      bus: 'embedded',
      httpUrl: 'http://localhost:1234',
      grpcPort: 4321,
      functions: 1,
      spans: { kept: 0, capacity: 10 },
    })
  })

  it('is not there at all for anyone else when no token could let them in', async () => {
    const app = opsRoutes({ bus: memoryBus(), dashboard: dashboardRoutes(source()) })
    expect((await app.request('/_oms/')).status).toBe(404)
    expect((await app.request('/_oms/assets/dashboard.js')).status).toBe(404)
  })

  it('answers callers on this host without a token under oms dev', async () => {
    // In-process requests have no peer address: they count as this host's.
    const app = opsRoutes({
      bus: memoryBus(),
      trustLoopback: true,
      dashboard: dashboardRoutes(source()),
    })
    expect((await app.request('/_oms/api/overview')).status).toBe(200)
  })

  it('bundles its page’s script and serves its stylesheet', async () => {
    const app = dashboardRoutes(source())
    const js = await app.request('/_oms/assets/dashboard.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    const body = await js.text()
    expect(body).toContain('/api/journey')
    expect(body).not.toMatch(/^import /m)
    const again = await app.request('/_oms/assets/dashboard.js', {
      headers: { 'if-none-match': js.headers.get('etag') ?? '' },
    })
    expect(again.status).toBe(304)
    const css = await app.request('/_oms/assets/dashboard.css')
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect((await app.request('/_oms/assets/other.js')).status).toBe(404)
  })

  it('says so when its page’s sources are not there (a bundle built by oms build)', async () => {
    const app = dashboardRoutes(source({ webDir: mkdtempSync(join(tmpdir(), 'no-web-')) }))
    const res = await app.request('/_oms/assets/dashboard.js')
    expect(res.status).toBe(503)
    expect((await res.json()).error.message).toMatch(/runs from the sources, under oms dev/)
  })

  it('lists the functions, the queues with their counts, the requests and journeys', async () => {
    const src = source()
    const bus = src.bus as ReturnType<typeof memoryBus>
    await bus.declare([{ consumer: 'test.on-happened', event: 'test.happened' }])
    await bus.publish('test.happened', { eventId: 'e-1' })
    const ring = src.spans as SpanRing
    ring.keep({
      traceId: 'a'.repeat(32),
      spanId: 'b'.repeat(16),
      name: 'POST /things/:id',
      kind: 'server',
      service: 'test',
      startMs: 1_700_000_000_000,
      durationMs: 3,
      status: 'unset',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/things/:id',
        'url.path': '/things/T-1',
        'http.response.status_code': 201,
        'faas.name': 'test.make',
      },
      events: [],
      links: [],
    })
    const app = dashboardRoutes(src)
    const json = async (path: string) => {
      const res = await app.request(path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('cache-control')).toBe('no-store')
      return res.json()
    }
    expect((await json('/_oms/api/functions')).functions).toEqual([
      expect.objectContaining({
        name: 'test.on-happened',
        kind: 'consumer',
        event: 'test.happened',
        summary: 'test.happened',
        bound: [
          'queue test.on-happened on the embedded bus',
          '32 at once; retries after 50ms, 100ms, 200ms, then parked',
        ],
      }),
    ])
    expect(await json('/_oms/api/queues')).toEqual({
      bus: 'embedded',
      queues: [
        {
          consumer: 'test.on-happened',
          event: 'test.happened',
          ready: 1,
          inFlight: 0,
          retrying: 0,
          parked: 0,
        },
      ],
    })
    expect((await json('/_oms/api/requests')).requests).toEqual([
      expect.objectContaining({
        method: 'POST',
        route: '/things/:id',
        path: '/things/T-1',
        status: 201,
        fn: 'test.make',
        traceId: 'a'.repeat(32),
      }),
    ])
    const journey = await json('/_oms/api/journey?q=T-1')
    expect(journey.steps.map((s: { name: string }) => s.name)).toEqual(['POST /things/:id'])
    const missing = await app.request('/_oms/api/journey')
    expect(missing.status).toBe(400)
  })
})
