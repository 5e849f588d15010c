/**
 * Mounts the forwarded routes whose target function this process does not host. A forward
 * carries the request's id (`x-request-id`), so both processes log it.
 */
import { Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import type { FunctionFetch } from './function-fetch.ts'
import { REQUEST_ID_HEADER, scopeOf } from './request-scope.ts'

/** Request headers not passed on (hop-by-hop, or recomputed by fetch). */
const DROP = ['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive']

export function forwardRoutes(
  forwards: Readonly<Record<string, string>>,
  isLocal: (name: string) => boolean,
  fetchFunction: FunctionFetch,
): Hono {
  const app = new Hono()
  for (const [route, target] of Object.entries(forwards)) {
    if (isLocal(target)) continue
    const [method = 'GET', path = '/'] = route.split(' ')
    app.on(method, path, async (c) => {
      const headers = new Headers(c.req.raw.headers)
      for (const h of DROP) headers.delete(h)
      // The same request id in both processes' lines.
      const scope = scopeOf(c.req.raw)
      if (scope) headers.set(REQUEST_ID_HEADER, scope.id)
      const body = ['GET', 'HEAD'].includes(method) ? undefined : await c.req.arrayBuffer()
      let res: Response
      try {
        res = await fetchFunction(target, c.req.path + new URL(c.req.url).search, {
          method,
          headers,
          body,
          // Pass redirects (the checkout's 303 back to the shop) on to the client untouched.
          redirect: 'manual',
        })
      } catch {
        throw new DomainError('UNAVAILABLE', `${target} cannot be reached`)
      }
      return new Response(res.body, { status: res.status, headers: res.headers })
    })
  }
  return app
}
