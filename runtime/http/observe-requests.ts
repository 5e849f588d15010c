/**
 * Every request the process's HTTP app answers, whatever the answer (4xx and 5xx too): its
 * request id (the caller's `x-request-id` when sane, else a new one) is returned in
 * `x-request-id` and carried by the log lines written while answering it (through the request's
 * call, request-calls.ts: no context of its own to enter); once answered, one
 * access line (method, route, status, error code, ms, request id, trace id) and the HTTP
 * metrics. The app's `fetch` is wrapped, not given a middleware, so a route with one
 * synchronous handler keeps Hono's synchronous path; the route, the error code and the trace are
 * noted by the handlers as they run (root-app.ts, traced-app.ts).
 *
 * On the request path nothing is made per request but the scope: served over Node's HTTP, the
 * ids join the headers as Node writes them (a `setHeader` before the answer would send every
 * header through Node's slow path, 4 µs a request), through one shared `writeHead`.
 */
import type { ServerResponse } from 'node:http'
import type { Hono } from 'hono'
import type { Metrics } from '../metrics/metrics.ts'
import type { Logger } from '../ports/logger.ts'
import {
  openScope,
  REQUEST_ID_HEADER,
  type RequestScope,
  requestIdFrom,
  TRACE_ID_HEADER,
} from './request-scope.ts'

/** The route label of a request no route answered. */
export const UNMATCHED = 'unmatched'

interface NodeEnv {
  incoming: { headers: Record<string, string | string[] | undefined>; url?: string }
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
  return query < 0 ? (start === 0 ? target : target.slice(start)) : target.slice(start, query)
}

/** Probes and scrapers ask often: their lines are debug, not info. */
function isQuiet(method: string, path: string): boolean {
  return (
    path === '/healthz' || path === '/metrics' || (method === 'GET' && path.startsWith('/_oms'))
  )
}

/**
 * A fault of ours is an error line; a 4xx is the caller's (warn), and so are 503 and 504 — a
 * dependency away, too many requests at once, a deadline passed — which the runtime answers on
 * purpose and the metrics count.
 */
function levelOf(status: number): Level {
  if (status === 503 || status === 504) return 'warn'
  return status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info'
}

/** The scope's ids as response headers. */
function idHeaders(scope: RequestScope): Record<string, string> {
  return scope.traceId === undefined
    ? { [REQUEST_ID_HEADER]: scope.id }
    : { [REQUEST_ID_HEADER]: scope.id, [TRACE_ID_HEADER]: scope.traceId }
}

/** The response with the scope's ids (a copy when its headers are immutable, e.g. a redirect). */
function withIds(res: Response, scope: RequestScope): Response {
  const ids = Object.entries(idHeaders(scope))
  try {
    for (const [name, value] of ids) res.headers.set(name, value)
    return res
  } catch {
    const copy = new Response(res.body, res)
    for (const [name, value] of ids) copy.headers.set(name, value)
    return copy
  }
}

const SCOPE = Symbol('oms.request-scope')
type Scoped = ServerResponse & { [SCOPE]: RequestScope }

/**
 * Node's `writeHead`, writing the request's ids with the headers it is given (copied key by
 * key: an object spread here cost 3 µs a request).
 */
function writeHeadWithIds(this: Scoped, status: number, ...rest: unknown[]): ServerResponse {
  const scope = this[SCOPE]
  const hasReason = typeof rest[0] === 'string'
  const given = hasReason ? rest[1] : rest[0]
  let headers: unknown
  if (Array.isArray(given)) headers = [...given, ...Object.entries(idHeaders(scope)).flat()]
  else {
    const copy: Record<string, unknown> = {}
    if (typeof given === 'object' && given !== null)
      for (const name in given) copy[name] = (given as Record<string, unknown>)[name]
    copy[REQUEST_ID_HEADER] = scope.id
    if (scope.traceId !== undefined) copy[TRACE_ID_HEADER] = scope.traceId
    headers = copy
  }
  const writeHead = Object.getPrototypeOf(this).writeHead as (...args: unknown[]) => ServerResponse
  return hasReason
    ? writeHead.call(this, status, rest[0], headers)
    : writeHead.call(this, status, headers)
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

type Level = 'debug' | 'info' | 'warn' | 'error'

/** Whether the logger writes lines of this level (pino tells; any other logger: yes). */
const writes = (log: Logger, level: Level) =>
  (log as { isLevelEnabled?: (level: string) => boolean }).isLevelEnabled?.(level) ?? true

/** One request being answered. */
interface Exchange {
  scope: RequestScope
  method: string
  path: string
  started: number
  node: NodeEnv | undefined
}

/** Wraps `app.fetch` (which `app.request` calls too): request ids, access lines, metrics. */
export function observeRequests(app: Hono, { log, metrics }: ObserveOptions): void {
  const inner = app.fetch

  const accessLine = (x: Exchange, status: number, ms: number, level: Level, code?: string) => {
    const route = x.scope.route ?? UNMATCHED
    const fields = {
      requestId: x.scope.id,
      method: x.method,
      route,
      path: x.path,
      status,
      ...(code !== undefined && { code }),
      ms,
      ...(x.scope.traceId !== undefined && { trace_id: x.scope.traceId }),
    }
    log[level](
      fields,
      `${x.method} ${route} ${status}${code !== undefined ? ` ${code}` : ''} ${ms} ms`,
    )
  }

  const answered = (x: Exchange, res: Response): Response => {
    const seconds = (performance.now() - x.started) / 1000
    const out = x.node ? res : withIds(res, x.scope)
    const { status } = out
    metrics?.httpRequest(x.method, x.scope.route ?? UNMATCHED, status, seconds)
    const level: Level = isQuiet(x.method, x.path) ? 'debug' : (x.scope.level ?? levelOf(status))
    if (!writes(log, level)) return out
    const ms = Math.round(seconds * 10_000) / 10
    if (status >= 400 && x.scope.code === undefined)
      void errorCodeOf(out).then((code) => accessLine(x, status, ms, level, code))
    else accessLine(x, status, ms, level, x.scope.code)
    return out
  }

  app.fetch = (request, env, executionCtx) => {
    const started = performance.now()
    const node = nodeEnv(env)
    const given = node
      ? node.incoming.headers[REQUEST_ID_HEADER]
      : (request.headers.get(REQUEST_ID_HEADER) ?? undefined)
    const scope = openScope(request, requestIdFrom(Array.isArray(given) ? given[0] : given))
    if (node) {
      const outgoing = node.outgoing as Scoped
      outgoing[SCOPE] = scope
      outgoing.writeHead = writeHeadWithIds as never
    }
    const x: Exchange = {
      scope,
      method: request.method,
      path: pathOf(node?.incoming.url ?? request.url),
      started,
      node,
    }
    const answer = inner(request, env, executionCtx)
    return answer instanceof Promise ? answer.then((res) => answered(x, res)) : answered(x, answer)
  }
}
