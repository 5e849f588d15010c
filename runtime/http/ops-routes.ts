/**
 * Operator routes for `oms dlq`: the parked (dead-lettered) messages of the bus this process
 * hosts, and their replay. Only callers with the admin token get an answer — and, under
 * `oms dev` (OMS_OPS_LOOPBACK=true), callers on this host; anyone else gets the ordinary JSON
 * 404, so the routes are not advertised. The peer address alone proves nothing behind a local
 * reverse proxy, where every caller is loopback. The local dashboard (OMS_DASHBOARD) is mounted
 * here behind the same guard; only its page, which holds no data, is also served to callers
 * without a credential when ADMIN_TOKEN is set, so a browser can load it and ask for the token.
 */
import { Hono } from 'hono'
import * as z from 'zod'
import { DomainError } from '../../shared/errors.ts'
import { isDashboardPage } from '../dashboard/page-paths.ts'
import type { Bus } from '../ports/bus.ts'
import { hasBearer } from './bearer.ts'
import { isLoopbackCaller } from './loopback.ts'

/** Prefix of every ops route. */
export const OPS_PREFIX = '/_oms'

export interface OpsRoutesOptions {
  bus: Pick<Bus, 'parked' | 'replay'>
  /** ADMIN_TOKEN: lets callers in with `Authorization: Bearer <token>` (default: none). */
  adminToken?: string
  /** Also answer loopback callers without the token (`oms dev`). */
  trustLoopback?: boolean
  /** The dashboard's routes (dashboard/dashboard.ts), when it is on. */
  dashboard?: Hono
}

const replayBody = z.strictObject({
  function: z.string().min(1).optional(),
  id: z.string().min(1).optional(),
})

export function opsRoutes({
  bus,
  adminToken,
  trustLoopback = false,
  dashboard,
}: OpsRoutesOptions): Hono {
  const app = new Hono()
  app.use(`${OPS_PREFIX}/*`, async (c, next) => {
    if (hasBearer(c.req.header('authorization'), adminToken)) return next()
    if (trustLoopback && isLoopbackCaller(c)) return next()
    if (dashboard && adminToken && isDashboardPage(c.req.path)) return next()
    const err = new DomainError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)
    return c.json(err.toJSON(), 404)
  })
  app.get(`${OPS_PREFIX}/dlq`, async (c) => {
    const fn = c.req.query('function')
    return c.json({ messages: await bus.parked(fn ? fn.replace('/', '.') : undefined) })
  })
  app.post(`${OPS_PREFIX}/dlq/replay`, async (c) => {
    const text = await c.req.text()
    let json: unknown = {}
    try {
      if (text.trim() !== '') json = JSON.parse(text)
    } catch {
      json = undefined
    }
    const parsed = replayBody.safeParse(json)
    if (!parsed.success) {
      const err = new DomainError(
        'INVALID_REQUEST',
        'body must be {"function"?: string, "id"?: string}',
      )
      return c.json(err.toJSON(), 400)
    }
    const { function: fn, id } = parsed.data
    return c.json({ replayed: await bus.replay({ consumer: fn?.replace('/', '.'), id }) })
  })
  if (dashboard) app.route('/', dashboard)
  return app
}
