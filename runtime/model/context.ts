/**
 * What a handler gets besides its input: its domain's settings, data and clients, and the
 * runtime's ports — never an adapter, and nothing of another domain.
 */
import type { Attributes } from '@opentelemetry/api'
import type { Publisher } from '../ports/bus.ts'
import type { Logger } from '../ports/logger.ts'
import type { LiveEvents } from '../queue/live-events.ts'

export interface SpanOptions {
  /** `client` for a call that leaves the process (an API), else `internal` (default). */
  kind?: 'client' | 'internal'
  attributes?: Attributes
}

export interface Context<S = unknown, R = unknown, C = unknown> {
  /** The function being run. */
  fn: { name: string; domain: string }
  /** The domain's settings, as it declared them. */
  settings: S
  /** The domain's repository over its own collections. */
  data: R
  /** Clients of the gRPC services the domain calls. */
  clients: C
  /** Base of the links the system hands out (PUBLIC_URL). */
  publicUrl: string
  log: Logger
  bus: Publisher
  /**
   * Events as they are published anywhere in the system, while this process listens: what a
   * stream to a browser pushes (see queue/live-events.ts). At most once; the store stays the truth.
   */
  live: LiveEvents
  /** The trace this work belongs to. */
  trace: {
    /** The current W3C traceparent (to store with what outlives this call). */
    traceparent(): string | undefined
    /** Links the current span to another trace (e.g. the one a webhook's object came from). */
    link(traceparent: string, attributes?: Record<string, string>): void
    /** Runs `work` in a child span of the function's (e.g. a call to an outside API). */
    span<T>(name: string, options: SpanOptions, work: () => Promise<T>): Promise<T>
  }
  /** HTTP calls to other functions (in process when hosted here, else through the registry). */
  http: { fetch(functionName: string, path: string, init: RequestInit): Promise<Response> }
  /**
   * When the answer to the call being handled is due: epoch ms, or Infinity for none (as
   * grpc-js's deadline and Go's `context.Deadline()`). An HTTP request from outside has
   * REQUEST_TIMEOUT_MS from its arrival; a gRPC call or a forward has what its caller had left
   * (a gRPC client's own timeout may shorten it). Every gRPC call and forward made while
   * handling it carries the time left. Deliveries, jobs and scheduled runs have none.
   */
  readonly deadline: number
  /**
   * Aborted once the call's work should stop, as Go's `ctx.Done()`: its caller gave up (the HTTP
   * client went away, the gRPC call was cancelled), its deadline passed, or the process is
   * stopping and its drain grace (SHUTDOWN_GRACE_MS) ran out; a scheduled run's at once when the
   * process stops. Its `reason` is the error the work fails with (`CANCELLED`,
   * `DEADLINE_EXCEEDED`, `UNAVAILABLE`). From then on the store, the bus, the gRPC clients and
   * `http.fetch` refuse the call's work at once with that error (nothing is sent); long work
   * should check it too (`ctx.signal.throwIfAborted()`) and may pass it on (`fetch(url, { signal })`).
   */
  readonly signal: AbortSignal
}

export interface ConsumerContext<S = unknown, R = unknown, C = unknown> extends Context<S, R, C> {
  message: { id: string; attempt: number; headers: Record<string, string> }
}

export interface WorkerContext<S = unknown, R = unknown, C = unknown> extends Context<S, R, C> {
  job: { id: string; attempt: number }
  /** Aborted when the process shuts down and its grace ran out; long work should stop and resume later. */
  readonly signal: AbortSignal
}

export interface ScheduleContext<S = unknown, R = unknown, C = unknown> extends Context<S, R, C> {
  /** This run: its start (epoch ms) and its number in this process (1 for the first). */
  run: { startedAt: number; number: number }
  /** Aborted when the process shuts down; a long run should stop and leave the rest to the next. */
  readonly signal: AbortSignal
}
