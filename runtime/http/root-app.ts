/**
 * The process's one HTTP app: every hosted HTTP function's routes, under one error handler
 * (domain errors → their status and JSON shape; anything else → a logged, generic 500),
 * a JSON 404 and a cap on request bodies. Each route notes, as it runs, its pattern in the
 * request's scope, and the error handlers the code they answer with (for the access line).
 */
import { type Context, Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { DomainError } from '../../shared/errors.ts'
import { activeCall } from '../model/call-scope.ts'
import { toDomainError } from '../model/to-domain-error.ts'
import type { Logger } from '../ports/logger.ts'
import { requestHeader } from './node-headers.ts'
import { scopeOf } from './request-scope.ts'

/** Largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 64 * 1024

export function errorBody(err: DomainError) {
  return err.toJSON()
}

/** The answer's error code, noted in the request's scope. */
function noteCode(c: Context, code: string): void {
  const scope = scopeOf(c.req.raw)
  if (scope) scope.code = code
}

/** `app`'s routes, each noting its pattern in the request's scope before it runs. */
function notingRoutes(app: Hono): Hono {
  const noting = new Hono()
  for (const route of app.routes) {
    const handler = route.handler as MiddlewareHandler
    noting.on(route.method, route.path, (c, next) => {
      const scope = scopeOf(c.req.raw)
      if (scope) scope.route = c.req.routePath
      return handler(c, next)
    })
  }
  return noting
}

export function createRootApp(
  apps: readonly Hono[],
  log: Logger,
  maxBodyBytes = MAX_BODY_BYTES,
): Hono {
  const root = new Hono()
  const tooLarge = (c: Context) => {
    noteCode(c, 'PAYLOAD_TOO_LARGE')
    return c.json(
      errorBody(
        new DomainError('PAYLOAD_TOO_LARGE', `request body is larger than ${maxBodyBytes} bytes`),
      ),
      413,
    )
  }
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
  for (const app of apps) root.route('/', notingRoutes(app))
  root.notFound((c) => {
    const scope = scopeOf(c.req.raw)
    if (scope) scope.route = undefined // what matched was middleware only
    noteCode(c, 'NOT_FOUND')
    return c.json(
      errorBody(new DomainError('NOT_FOUND', `no route for ${c.req.method} ${c.req.path}`)),
      404,
    )
  })
  root.onError((err, c) => {
    // A request given up fails with its call's reason (what its refused work threw, or what
    // failed because of it): no fault of ours.
    const { error, expected } = toDomainError(activeCall()?.reason ?? err)
    noteCode(c, error.code)
    if (!expected)
      log.error({ err, method: c.req.method, path: c.req.path }, 'unhandled error in HTTP handler')
    return c.json(errorBody(error), error.httpStatus as 400)
  })
  return root
}
