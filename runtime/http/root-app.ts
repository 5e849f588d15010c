/**
 * The process's one HTTP app: every hosted HTTP function's routes, under one error handler
 * (domain errors → their status and JSON shape; anything else → a logged, generic 500),
 * a JSON 404 and a cap on request bodies.
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../../shared/errors.ts'
import { toDomainError } from '../model/to-domain-error.ts'
import type { Logger } from '../ports/logger.ts'
import { requestHeader } from './node-headers.ts'

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024

export function errorBody(err: DomainError) {
  return err.toJSON()
}

export function createRootApp(
  apps: readonly Hono[],
  log: Logger,
  maxBodyBytes = MAX_BODY_BYTES,
): Hono {
  const root = new Hono()
  const tooLarge = (c: Context) =>
    c.json(
      errorBody(
        new DomainError('PAYLOAD_TOO_LARGE', `request body is larger than ${maxBodyBytes} bytes`),
      ),
      413,
    )
  const limit = bodyLimit({ maxSize: maxBodyBytes, onError: tooLarge })
  // Only methods that carry a body pass the limit, so a GET keeps Hono's fast path. A declared
  // Content-Length is checked from the header: asking for the body stream (as the middleware
  // does) makes @hono/node-server build a whole web Request. Chunked bodies are counted.
  const limitBody: MiddlewareHandler = async (c, next) => {
    const declared = requestHeader(c, 'content-length')
    if (declared === undefined || requestHeader(c, 'transfer-encoding') !== undefined)
      return limit(c, next)
    return Number(declared) > maxBodyBytes ? tooLarge(c) : next()
  }
  root.on(['POST', 'PUT', 'PATCH', 'DELETE'], '*', limitBody)
  for (const app of apps) root.route('/', app)
  root.notFound((c) =>
    c.json(
      errorBody(new DomainError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)),
      404,
    ),
  )
  root.onError((err, c) => {
    const { error, expected } = toDomainError(err)
    if (!expected)
      log.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error in HTTP handler')
    return c.json(errorBody(error), error.httpStatus as 400)
  })
  return root
}
