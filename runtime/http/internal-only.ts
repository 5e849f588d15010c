/**
 * The HTTP routes of a process behind the front door (its requests come forwarded from
 * there): each request must carry the internal credential, checked before any handler;
 * `/healthz` stays open to probes, and the operator routes check their own token.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import { INTERNAL_HEADER } from './function-fetch.ts'
import { OPS_PREFIX } from './ops-routes.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

export function internalOnlyRoutes(token: string): Hono {
  const expected = digest(token)
  return new Hono().use('*', async (c, next) => {
    if (c.req.path === '/healthz' || c.req.path.startsWith(`${OPS_PREFIX}/`)) return next()
    const given = c.req.header(INTERNAL_HEADER)
    if (given !== undefined && timingSafeEqual(digest(given), expected)) return next()
    throw new DomainError(
      'UNAUTHORIZED',
      'this process answers only forwarded calls carrying the internal credential',
    )
  })
}
