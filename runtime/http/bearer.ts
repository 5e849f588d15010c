/**
 * The one bearer-token check: `Authorization: Bearer <token>` compared in constant time (over
 * digests, so neither the token's length nor its content leaks through timing). Used by the
 * operator routes and by any function's admin routes.
 */
import { hash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { DomainError } from '../../shared/errors.ts'

/** SHA-256 in one call (no Hash object: 1.5 µs here against 2.3 for createHash). */
const digest = (value: string): Buffer => hash('sha256', value, 'buffer')

/** The digests of the tokens checked against (a process has one or two), made once each. */
const tokenDigests = new Map<string, Buffer>()
const MAX_TOKENS = 16

function digestOfToken(token: string): Buffer {
  let known = tokenDigests.get(token)
  if (!known) {
    known = digest(token)
    if (tokenDigests.size < MAX_TOKENS) tokenDigests.set(token, known)
  }
  return known
}

/** Whether `given` is `token`, in constant time; never true without a token. */
export function sameSecret(given: string | undefined, token: string | undefined): boolean {
  if (!token || given === undefined) return false
  return timingSafeEqual(digest(given), digestOfToken(token))
}

/** Whether the Authorization header carries `token`; never true without a token. */
export function hasBearer(header: string | undefined, token: string | undefined): boolean {
  if (!header?.startsWith('Bearer ')) return false
  return sameSecret(header.slice('Bearer '.length), token)
}

export interface BearerAuthOptions {
  /** The token; without one every request is refused with `off`. */
  token: string | undefined
  /** Why requests are refused while no token is configured. */
  off: string
}

/** Middleware: 401 UNAUTHORIZED unless the request carries the token. */
export function bearerAuth({ token, off }: BearerAuthOptions): MiddlewareHandler {
  return async (c, next) => {
    if (!token) throw new DomainError('UNAUTHORIZED', off)
    if (!hasBearer(c.req.header('authorization'), token))
      throw new DomainError(
        'UNAUTHORIZED',
        'a valid admin token is required (Authorization: Bearer ...)',
      )
    await next()
  }
}
