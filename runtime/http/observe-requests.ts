/**
 * Every request the process's HTTP app answers, whatever the answer (4xx and 5xx too): its
 * request id (the caller's `x-request-id` when sane, else a new one) is returned in
 * `x-request-id` and carried by the log lines written while answering it; once answered, one
 * access line (method, route, status, error code, ms, request id, trace id) and the HTTP
 * metrics. The app's `fetch` is wrapped, not given a middleware, so a route with one
 * synchronous handler keeps Hono's synchronous path; the route and the error code are noted by
 * the handlers as they run (root-app.ts, traced-app.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import { context } from '@opentelemetry/api'
import type { Hono } from 'hono'
import type { Metrics } from '../metrics/metrics.ts'
import type { Logger } from '../ports/logger.ts'
import { tracingDisabled } from '../telemetry/spans.ts'
import {
  openScope,
  REQUEST_ID_HEADER,
  type RequestScope,
  requestIdFrom,
  withScope,
} from './request-scope.ts'

/** The route label of a request no route answered. */
export const UNMATCHED = 'unmatched'

interface NodeEnv {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

function nodeEnv(env: unknown): NodeEnv | undefined {
  return typeof env === 'object' && env !== null && 'incoming' in env && 'outgoing' in env
    ? (env as NodeEnv)
    : undefined
}

/** The path of a URL or request target, without its query. */
function pathOf(target: string): string {
  const start = target.startsWith('/') ? 0 : target.indexOf('/', target.indexOf('//') + 2)
  if (start < 0) return '/'
  const query = target.indexOf('?', start)
  return target.slice(start, query < 0 ? undefined : query)
}

/** Probes and scrapers ask often: their lines are debug, not info. */
function isQuiet(method: string, path: string): boolean {
  return (
    path === '/healthz' || path === '/metrics' || (method === 'GET' && path.startsWith('/_oms'))
  )
}

/** The response with the header set (a copy when its headers are immutable, e.g. a redirect). */
function withHeader(res: Response, name: string, value: string): Response {
  try {
    res.headers.set(name, value)
    return res
  } catch {
    const copy = new Response(res.body, res)
    copy.headers.set(name, value)
    return copy
  }
}

/** The code of a JSON error answer (`{"error": {"code": …}}`) made elsewhere (a forward). */
async function errorCodeOf(res: Response): Promise<string | undefined> {
  if (!res.headers.get('content-type')?.includes('json')) return undefined
  try {
    const body = (await res.clone().json()) as { error?: { code?: unknown } }
    return typeof body?.error?.code === 'string' ? body.error.code : undefined
  } catch {
    return undefined
  }
}

export interface ObserveOptions {
  log: Logger
  metrics?: Metrics
}

/** Wraps `app.fetch` (which `app.request` calls too): request ids, access lines, metrics. */
export function observeRequests(app: Hono, { log, metrics }: ObserveOptions): void {
  const inner = app.fetch

  const answered = (
    scope: RequestScope,
    method: string,
    path: string,
    res: Response,
    started: number,
  ) => {
    const seconds = (performance.now() - started) / 1000
    const { status } = res
    const route = scope.route ?? UNMATCHED
    metrics?.httpRequest(method, route, status, seconds)
    const write = (code: string | undefined) => {
      const ms = Math.round(seconds * 10_000) / 10
      const fields = {
        requestId: scope.id,
        method,
        route,
        path,
        status,
        ...(code !== undefined && { code }),
        ms,
        ...(scope.traceId !== undefined && { trace_id: scope.traceId }),
      }
      const message = `${method} ${route} ${status}${code !== undefined ? ` ${code}` : ''} ${ms} ms`
      if (isQuiet(method, path)) log.debug(fields, message)
      else if (status >= 500) log.error(fields, message)
      else if (status >= 400) log.warn(fields, message)
      else log.info(fields, message)
    }
    if (status >= 400 && scope.code === undefined) void errorCodeOf(res).then(write)
    else write(scope.code)
  }

  app.fetch = (request, env, executionCtx) => {
    const started = performance.now()
    const node = nodeEnv(env)
    const given = node
      ? node.incoming.headers[REQUEST_ID_HEADER]
      : (request.headers.get(REQUEST_ID_HEADER) ?? undefined)
    const scope = openScope(request, requestIdFrom(Array.isArray(given) ? given[0] : given))
    // Set on the Node response before anything is written: every answer carries it.
    node?.outgoing.setHeader(REQUEST_ID_HEADER, scope.id)
    const method = request.method
    const path = pathOf(node?.incoming.url ?? request.url)
    const answer = tracingDisabled()
      ? inner(request, env, executionCtx)
      : context.with(
          withScope(context.active(), scope),
          inner,
          undefined,
          request,
          env,
          executionCtx,
        )
    const done = (res: Response) => {
      const out = node ? res : withHeader(res, REQUEST_ID_HEADER, scope.id)
      answered(scope, method, path, out, started)
      return out
    }
    return answer instanceof Promise ? answer.then(done) : done(answer)
  }
}
