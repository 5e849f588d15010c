/**
 * Every request the process's HTTP app answers runs as a call (model/call.ts): due
 * REQUEST_TIMEOUT_MS after it arrived — or sooner, when the process forwarding it sent what was
 * left of its own (`x-oms-timeout-ms`, relative as gRPC's `grpc-timeout`, so clocks need not
 * agree) — and given up when the client goes away. At its deadline it is answered 504
 * `DEADLINE_EXCEEDED` at once, whatever its handler still awaits (the handler's further work is
 * refused). Load is shed early: past `maxInFlight` requests at once a request from the network
 * is answered 503 `UNAVAILABLE` with `Retry-After` before any handler runs, rather than queued
 * behind the others past its deadline (probes and scrapes are always answered); once the process
 * is stopping, every new request is, with `Connection: close`. A request made in process while
 * answering another (a forward to a function hosted here) is part of that one's call.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Hono } from 'hono'
import { DomainError } from '../../shared/errors.ts'
import { abortError as abortErrorOf } from '../model/call.ts'
import { activeCall, inCall } from '../model/call-scope.ts'
import { type CallsInFlight, callsInFlight } from '../model/calls-in-flight.ts'
import { METRICS_PATH } from './metrics-route.ts'
import { scopeOf } from './request-scope.ts'

/** The request header a forward carries the time left of its call in, in ms. */
export const TIMEOUT_HEADER = 'x-oms-timeout-ms'

/** Seconds a refused client is asked to wait before it tries again. */
export const RETRY_AFTER_S = 1

export interface RequestCallsOptions {
  /** REQUEST_TIMEOUT_MS: the deadline of a request, from its arrival. */
  timeoutMs: number
  /** MAX_IN_FLIGHT: requests from the network answered at once. */
  maxInFlight: number
}

export interface RequestCalls {
  /** The requests being answered. */
  readonly calls: CallsInFlight
  /** Refuses every new request from now on (the process is stopping). */
  stopIntake(): void
}

interface NodeEnv {
  incoming: IncomingMessage
  outgoing: ServerResponse
}

function nodeEnv(env: unknown): NodeEnv | undefined {
  return typeof env === 'object' && env !== null && 'incoming' in env && 'outgoing' in env
    ? (env as NodeEnv)
    : undefined
}

/** Probes and scrapes: an overloaded process must still be seen alive and measured. */
function alwaysAnswered(url: string | undefined): boolean {
  if (url === undefined) return false
  const path = url.split('?', 1)[0]
  return path === '/healthz' || path === METRICS_PATH
}

/** The time left a forward sent, in ms (undefined when absent or not a number). */
function sentTimeout(request: Request, node: NodeEnv | undefined): number | undefined {
  const raw = node ? node.incoming.headers[TIMEOUT_HEADER] : request.headers.get(TIMEOUT_HEADER)
  const text = Array.isArray(raw) ? raw[0] : raw
  if (text === undefined || text === null || text === '') return undefined
  const ms = Number(text)
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined
}

/** The runtime's own answer: the JSON error shape, noted in the request's scope. */
function refusal(
  request: Request,
  error: DomainError,
  level: 'info' | 'warn',
  headers: Record<string, string> = {},
): Response {
  const scope = scopeOf(request)
  if (scope) {
    scope.code = error.code
    scope.level = level
  }
  return new Response(JSON.stringify(error.toJSON()), {
    status: error.httpStatus,
    headers: { 'content-type': 'application/json', ...headers },
  })
}

const RETRY = { 'retry-after': String(RETRY_AFTER_S) }

/** What a given-up request is answered: at its deadline 504, when stopping 503. */
function answerOfGivenUp(request: Request, reason: DomainError, stopping: boolean): Response {
  if (!stopping) return refusal(request, reason, 'warn')
  return refusal(request, reason, 'info', { ...RETRY, connection: 'close' })
}

/** Wraps `app.fetch` (which `app.request` calls too) so every request is a call. */
export function callPerRequest(app: Hono, { timeoutMs, maxInFlight }: RequestCallsOptions) {
  const inner = app.fetch
  const calls = callsInFlight()
  let stopping = false

  app.fetch = (request, env, executionCtx) => {
    // In process, on behalf of a call being answered: part of it.
    if (activeCall() !== undefined) return inner(request, env, executionCtx)
    const node = nodeEnv(env)
    if (stopping)
      return refusal(request, new DomainError('UNAVAILABLE', 'this process is stopping'), 'info', {
        ...RETRY,
        connection: 'close',
      })
    if (node && calls.size >= maxInFlight && !alwaysAnswered(node.incoming.url))
      return refusal(
        request,
        new DomainError('UNAVAILABLE', 'too many requests at once here; try again shortly'),
        'warn',
        RETRY,
      )
    // Its client is gone already (it waited in the socket while the process was busy).
    if (node?.incoming.socket?.destroyed) return refusal(request, abortErrorOf('cancelled'), 'warn')
    const sent = sentTimeout(request, node)
    if (sent === 0)
      return refusal(
        request,
        new DomainError('DEADLINE_EXCEEDED', 'the request came past its deadline'),
        'warn',
      )
    const call = calls.open(
      Date.now() + (sent === undefined ? timeoutMs : Math.min(sent, timeoutMs)),
    )
    call.requestId = scopeOf(request)?.id
    if (node) {
      const { outgoing } = node
      outgoing.on('close', () => {
        if (!outgoing.writableFinished) call.abort('cancelled')
      })
    } else if (!request.signal.aborted) {
      // In process (`app.request`): the caller's signal; unhooked once answered.
      const { signal } = request
      const cancel = () => call.abort('cancelled')
      signal.addEventListener('abort', cancel, { once: true })
      call.onEnd(() => signal.removeEventListener('abort', cancel))
    }
    let out: Response | Promise<Response>
    try {
      out = inCall(call, inner, request, env, executionCtx)
    } catch (err) {
      call.end()
      throw err
    }
    if (!(out instanceof Promise)) {
      call.end()
      return out
    }
    const handled = out
    return new Promise<Response>((resolve, reject) => {
      // Given up before its handler answered (its deadline passed, the process is stopping):
      // answered now; the handler's further work is refused, and it is counted until it ends.
      call.onAbort((reason) => resolve(answerOfGivenUp(request, reason, call.cause === 'stopping')))
      handled.then(
        (res) => {
          call.end()
          resolve(res)
        },
        (err: unknown) => {
          call.end()
          reject(err)
        },
      )
    })
  }

  return {
    calls,
    stopIntake() {
      stopping = true
    },
  } satisfies RequestCalls
}
