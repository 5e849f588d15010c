/**
 * An HTTP function's app with a SERVER span around each request it serves: the caller's W3C
 * trace context is taken from the headers, the span is named after the matched route and
 * carries the function (faas.name) and the response status. Routes are re-registered behind
 * the span middleware, the way Hono mounts sub-apps.
 */
import type { Tracer } from '@opentelemetry/api'
import { Hono, type Context as HonoContext, type MiddlewareHandler } from 'hono'
import { extract, inSpan, SpanKind } from '../telemetry/spans.ts'

export function tracedApp(app: Hono, tracer: Tracer, fn: string): Hono {
  const spanned = new WeakSet<Request>()
  const span: MiddlewareHandler = async (c: HonoContext, next) => {
    if (spanned.has(c.req.raw)) return next()
    spanned.add(c.req.raw)
    const parent = extract(Object.fromEntries(c.req.raw.headers))
    await inSpan(
      tracer,
      `${c.req.method} ${c.req.path}`,
      {
        kind: SpanKind.SERVER,
        parent,
        attributes: {
          'http.request.method': c.req.method,
          'url.path': c.req.path,
          'faas.name': fn,
          'faas.trigger': 'http',
        },
      },
      async (s) => {
        // W3C trace-context's `traceresponse`: a client can find this request's trace.
        const { traceId, spanId } = s.spanContext()
        c.header('traceresponse', `00-${traceId}-${spanId}-01`)
        await next()
        s.updateName(`${c.req.method} ${c.req.routePath}`)
        s.setAttribute('http.route', c.req.routePath)
        s.setAttribute('http.response.status_code', c.res.status)
        if (c.res.status >= 500) s.setStatus({ code: 2 })
      },
    )
  }
  const traced = new Hono()
  for (const route of app.routes) traced.on(route.method, route.path, span, route.handler)
  return traced
}
