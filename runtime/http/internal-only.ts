/**
 * The HTTP routes of a process behind the front door (its requests come forwarded from
 * there): each request must carry the internal credential, checked before any handler;
 * `/healthz` stays open to probes, and the operator routes and `/metrics` check their own.
 */
import { Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import { sameSecret } from './bearer.ts'
import { INTERNAL_HEADER } from './function-fetch.ts'
import { METRICS_PATH } from './metrics-route.ts'
import { OPS_PREFIX } from './ops-routes.ts'

export function internalOnlyRoutes(token: string): Hono {
  return new Hono().use('*', async (c, next) => {
    if (
      c.req.path === '/healthz' ||
      c.req.path === METRICS_PATH ||
      c.req.path.startsWith(`${OPS_PREFIX}/`)
    )
      return next()
    if (sameSecret(c.req.header(INTERNAL_HEADER), token)) return next()
    throw new DomainError(
      'UNAUTHORIZED',
      'this process answers only forwarded calls carrying the internal credential',
    )
  })
}
