/**
 * An HTTP function's app with a SERVER span around each request it serves: the caller's W3C
 * trace context is taken from the headers, the span is named after the matched route and
 * carries the function (faas.name) and the response status; the answer names its trace in
 * `x-trace-id` (recorded or not). Each route's handler is wrapped
 * in place (the first handler a request reaches opens the span), so a route with one handler
 * keeps Hono's synchronous fast path and a synchronous answer needs no promise.
 */
import {
  context,
  propagation,
  type Span,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { Hono, type Context as HonoContext, type MiddlewareHandler } from 'hono'
import { toDomainError } from '../model/to-domain-error.ts'
import {
  recordError,
  SpanKind,
  startSpan,
  tracingDisabled,
  unrecordedParent,
} from '../telemetry/spans.ts'
import { requestHeader, setResponseHeader } from './node-headers.ts'
import { scopeOf, TRACE_ID_HEADER } from './request-scope.ts'

type Handler = MiddlewareHandler

/** The caller's trace context from traceparent/tracestate, or the active context. */
function parentOf(c: HonoContext) {
  const active = context.active()
  const traceparent = requestHeader(c, 'traceparent')
  if (!traceparent) return active
  const tracestate = requestHeader(c, 'tracestate')
  return propagation.extract(active, tracestate ? { traceparent, tracestate } : { traceparent })
}

/** The answer's status: middleware resolves to nothing, the answer is then in c.res. */
function statusOf(c: HonoContext, res: unknown): number {
  return res instanceof Response ? res.status : c.res.status
}

function finish(span: Span, c: HonoContext, status: number): void {
  if (span.isRecording()) {
    span.updateName(`${c.req.method} ${c.req.routePath}`)
    span.setAttribute('http.route', c.req.routePath)
    span.setAttribute('http.response.status_code', status)
    if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
  }
  span.end()
}

/** A handler threw: the error handler answers with the error's status; a 4xx is no fault. */
function failed(span: Span, c: HonoContext, err: unknown): never {
  const { error, expected } = toDomainError(err)
  const status = error.httpStatus
  recordError(span, expected ? error : err)
  finish(span, c, status)
  throw err
}

/**
 * The answer names the request's trace: noted in the request's scope, whose answer carries it
 * (`x-trace-id`) and whose access line names it; without a scope, set on the answer here.
 */
function nameTrace(c: HonoContext, traceId: string): void {
  const scope = scopeOf(c.req.raw)
  if (scope) scope.traceId = traceId
  else setResponseHeader(c, TRACE_ID_HEADER, traceId)
}

export function tracedApp(app: Hono, tracer: Tracer, fn: string): Hono {
  // Marks a request whose span this app opened: a property, not a WeakSet — a weak table keyed
  // by every request costs the collector its short-lived keys (in isolation on Node 24, 2M
  // objects: 1.6–3.5 µs each with a WeakSet add and lookup, 0.2–0.3 µs with a property).
  const OPENED = Symbol('oms.span-opened')
  type Marked = Request & { [OPENED]?: true }
  const withSpan =
    (handler: Handler): Handler =>
    (c, next) => {
      const request = c.req.raw as Marked
      if (tracingDisabled() || request[OPENED]) return handler(c, next)
      request[OPENED] = true
      const parent = parentOf(c)
      // In a trace that is not sampled, the handler runs in the caller's context.
      const unrecorded = unrecordedParent(parent)
      if (unrecorded) {
        nameTrace(c, unrecorded.spanContext().traceId)
        return context.with(parent, handler, undefined, c, next)
      }
      // Named after the matched route when it ends.
      const span = startSpan(tracer, c.req.method, { kind: SpanKind.SERVER }, parent)
      nameTrace(c, span.spanContext().traceId)
      // Attributes, and the `traceresponse` header (W3C Trace Context: a client can find this
      // request's trace), only for a span that is recorded; unrecorded spans cost little.
      if (span.isRecording()) {
        span.setAttributes({
          'http.request.method': c.req.method,
          'url.path': c.req.path,
          'faas.name': fn,
          'faas.trigger': 'http',
        })
        const { traceId, spanId } = span.spanContext()
        setResponseHeader(c, 'traceresponse', `00-${traceId}-${spanId}-01`)
      }
      let out: ReturnType<Handler>
      try {
        out = context.with(trace.setSpan(parent, span), handler, undefined, c, next)
      } catch (err) {
        return failed(span, c, err)
      }
      if (out instanceof Promise) {
        return out.then(
          (res) => {
            finish(span, c, statusOf(c, res))
            return res
          },
          (err: unknown) => failed(span, c, err),
        )
      }
      finish(span, c, statusOf(c, out))
      return out
    }
  const traced = new Hono()
  for (const route of app.routes) traced.on(route.method, route.path, withSpan(route.handler))
  return traced
}
