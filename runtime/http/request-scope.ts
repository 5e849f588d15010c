/**
 * What the runtime knows of one HTTP request while it is answered: its request id (the
 * caller's `x-request-id` when it is a sane one, else a new one), the route that matched, the
 * error code of an error answer and the trace it ran in — for its access line and its metrics.
 * The scope is found from the request (any handler); its id rides the request's call
 * (request-calls.ts), so every log line written while handling it carries it.
 */
import { randomBytes } from 'node:crypto'
import { activeCall } from '../model/call-scope.ts'

/** The request header carrying a request's id, in and out (and on forwards). */
export const REQUEST_ID_HEADER = 'x-request-id'

/** The response header naming the request's trace, whenever it ran in one. */
export const TRACE_ID_HEADER = 'x-trace-id'

/** Printable, no spaces or quotes, at most 128 characters: what proxies and tracers send. */
const SANE_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/

export interface RequestScope {
  readonly id: string
  /** The matched route's pattern, once a route handler runs. */
  route?: string
  /** The error code of an error answer the runtime made (its JSON error shape). */
  code?: string
  /** The trace the request ran in. */
  traceId?: string
  /**
   * The level of its access line when the runtime chose the answer on purpose — shed, past its
   * deadline, the process stopping (request-calls.ts): no fault, so never an error line.
   */
  level?: 'info' | 'warn'
}

/**
 * New ids: 16 random hex digits drawn when the process starts, then a count (8 hex digits and
 * up) — unique across processes, and a tenth of a UUID's cost on every request.
 */
const PREFIX = randomBytes(8).toString('hex')
let made = 0

/** A new request id. */
export function newRequestId(): string {
  made += 1
  return `${PREFIX}${made.toString(16).padStart(8, '0')}`
}

/** The caller's id when it is a sane one, else a new one. */
export function requestIdFrom(given: string | undefined): string {
  return given !== undefined && SANE_ID.test(given) ? given : newRequestId()
}

/** Where a request keeps its scope (a property: cheaper than a WeakMap for the collector). */
const ON_REQUEST = Symbol('oms.request-scope')

type Scoped = Request & { [ON_REQUEST]?: RequestScope }

/** Opens the scope of a request. */
export function openScope(request: Request, id: string): RequestScope {
  const scope: RequestScope = { id }
  ;(request as Scoped)[ON_REQUEST] = scope
  return scope
}

/** The scope of the request a handler is answering (undefined outside the HTTP binding). */
export function scopeOf(request: Request): RequestScope | undefined {
  return (request as Scoped)[ON_REQUEST]
}

/** The id of the HTTP request whose call is running now, if any. */
export function activeRequestId(): string | undefined {
  return activeCall()?.requestId
}
