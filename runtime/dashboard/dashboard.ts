/**
 * The local dashboard (OMS_DASHBOARD, which `oms dev` sets), mounted with the operator routes
 * and guarded like them (ops-routes.ts): the page at `/_oms/` and its JSON under `/_oms/api/` —
 * the hosted functions and where they are bound, the bus's queues with their counts, the recent
 * requests and the journey of anything an id names, from the spans this process keeps. Parked
 * messages and their replay are the operator routes' own (`/_oms/dlq`).
 */
import { type Context, Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import type { Bus } from '../ports/bus.ts'
import type { KeptSpan } from '../telemetry/span-ring.ts'
import { isAssetName, loadAsset, PAGE_HEADERS, shell, WEB_DIR } from './assets.ts'
import { describeFunctions, type FunctionsSource } from './functions.ts'
import { journeyOf } from './journey.ts'
import { DASHBOARD_PREFIX } from './page-paths.ts'
import { recentRequests } from './requests.ts'

export interface DashboardSource extends FunctionsSource {
  bus: Pick<Bus, 'stats'>
  /** The spans kept in memory; absent when none are (tracing off). */
  spans?: { spans(): KeptSpan[]; readonly size: number; readonly capacity: number }
  /** Folder of the page's sources (default: web/ beside this module). */
  webDir?: string
}

const NO_SPANS =
  'no spans are kept in this process (tracing is off, or it started before OMS_DASHBOARD was set)'

function fail(c: Context, err: DomainError) {
  return c.json(err.toJSON(), err.httpStatus as 400)
}

export function dashboardRoutes(source: DashboardSource): Hono {
  const { spans, webDir = WEB_DIR } = source
  const app = new Hono()
  const p = DASHBOARD_PREFIX

  const page = (c: Context) => {
    for (const [name, value] of Object.entries(PAGE_HEADERS)) c.header(name, value)
    return c.html(shell(p))
  }
  app.get(p, (c) => c.redirect(`${p}/`, 301))
  app.get(`${p}/`, page)
  app.get(`${p}/assets/:name`, async (c) => {
    const name = c.req.param('name')
    if (!isAssetName(name)) return fail(c, new DomainError('NOT_FOUND', `no asset named ${name}`))
    let asset: Awaited<ReturnType<typeof loadAsset>>
    try {
      asset = await loadAsset(name, webDir)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      return fail(c, new DomainError('UNAVAILABLE', message))
    }
    const headers = {
      'cache-control': 'no-cache',
      etag: asset.etag,
      'x-content-type-options': 'nosniff',
    }
    if (c.req.header('if-none-match') === asset.etag) return c.body(null, 304, headers)
    return c.body(asset.body, 200, { ...headers, 'content-type': asset.contentType })
  })

  const api = new Hono()
  api.use('*', async (c, next) => {
    await next()
    c.header('cache-control', 'no-store')
  })
  api.get('/overview', (c) => {
    const bound = source.bound()
    return c.json({
      pid: process.pid,
      bus: source.busKind,
      httpUrl: bound.httpUrl ?? null,
      grpcPort: bound.grpcPort ?? null,
      functions: source.functions.length,
      spans: spans ? { kept: spans.size, capacity: spans.capacity } : null,
      ...(!spans && { why: NO_SPANS }),
    })
  })
  api.get('/functions', (c) => c.json({ functions: describeFunctions(source) }))
  api.get('/queues', async (c) => {
    try {
      return c.json({ bus: source.busKind, queues: await source.bus.stats() })
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      return fail(c, new DomainError('UNAVAILABLE', `the bus did not answer: ${message}`))
    }
  })
  api.get('/requests', (c) => {
    const limit = Math.min(Math.max(Number(c.req.query('limit')) || 100, 1), 1000)
    if (!spans) return c.json({ requests: [], why: NO_SPANS })
    return c.json({ requests: recentRequests(spans.spans(), limit) })
  })
  api.get('/journey', (c) => {
    const q = (c.req.query('q') ?? '').trim()
    if (q === '')
      return fail(c, new DomainError('INVALID_REQUEST', 'say what to look for: ?q=<id>'))
    if (!spans) return c.json({ ...journeyOf([], q), why: NO_SPANS })
    return c.json(journeyOf(spans.spans(), q))
  })
  app.route(`${p}/api`, api)
  return app
}
