/** Admin routes need `Authorization: Bearer $ADMIN_TOKEN`; without a configured token they are off. */
import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { DomainError } from '../../../shared/errors.ts'

export function adminAuth(token: string | undefined): MiddlewareHandler {
  const expected = token ? Buffer.from(`Bearer ${token}`) : undefined
  return async (c, next) => {
    if (!expected)
      throw new DomainError(
        'UNAUTHORIZED',
        'admin routes are disabled: set ADMIN_TOKEN to enable them',
      )
    const given = Buffer.from(c.req.header('authorization') ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new DomainError(
        'UNAUTHORIZED',
        'a valid admin token is required (Authorization: Bearer ...)',
      )
    }
    await next()
  }
}
