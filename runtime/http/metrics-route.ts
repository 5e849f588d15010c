/**
 * GET /metrics: the runtime's metrics in Prometheus' text format. On the HTTP port, which may
 * face the public, it answers as the operator routes do — `Authorization: Bearer $ADMIN_TOKEN`,
 * or a caller on this host under `oms dev` (OMS_OPS_LOOPBACK) — and anyone else gets the JSON
 * 404 (not advertised). On a listener of its own (METRICS_PORT, or a loopback port in a process
 * without HTTP functions) it answers everyone who reaches it, as scrapers expect.
 */
import { Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import type { Metrics } from '../metrics/metrics.ts'
import { hasBearer } from './bearer.ts'
import { isLoopbackCaller } from './loopback.ts'

export const METRICS_PATH = '/metrics'

export interface MetricsAccess {
  /** ADMIN_TOKEN: callers with `Authorization: Bearer <token>` get an answer. */
  adminToken?: string
  /** Callers on this host get an answer without it (`oms dev`). */
  trustLoopback?: boolean
}

/** The route; `access` guards it (without, it is open: a listener of its own). */
export function metricsRoute(metrics: Metrics, access?: MetricsAccess): Hono {
  return new Hono().get(METRICS_PATH, async (c) => {
    if (
      access &&
      !hasBearer(c.req.header('authorization'), access.adminToken) &&
      !(access.trustLoopback && isLoopbackCaller(c))
    ) {
      const err = new DomainError('NOT_FOUND', `no route for GET ${METRICS_PATH}`)
      return c.json(err.toJSON(), 404)
    }
    return c.body(await metrics.text(), 200, { 'content-type': metrics.contentType })
  })
}
