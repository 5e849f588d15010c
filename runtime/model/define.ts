/**
 * The function model. A function module's default export declares its trigger and its
 * handler of (input, context); the runtime binds it. Names come from the file path:
 * `functions/orders/create-order.ts` is `orders.create-order`.
 */
import { Hono } from 'hono'
import type { EventBody, EventName } from '../../shared/events.ts'
import type { AppConfig } from '../config.ts'
import type { MethodName, RequestOf, ResponseOf, ServiceKey } from '../grpc/services.ts'
import type { ConsumerContext, Context, WorkerContext } from './context.ts'

const FUNCTION = Symbol.for('oms.function')

export interface HttpFunction {
  readonly [FUNCTION]: true
  kind: 'http'
  /** Builds the function's Hono app; routes are absolute paths. */
  build: (ctx: Context) => Hono
  /**
   * Routes this function passes on to the HTTP function that serves them, when that function
   * is hosted by another process: `{ 'POST /api/payments/webhook': 'payments.stripe-webhook' }`.
   */
  forwards?: Readonly<Record<string, string>>
}

export interface GrpcFunction<S extends ServiceKey, M extends MethodName<S>> {
  readonly [FUNCTION]: true
  kind: 'grpc'
  service: S
  method: M
  handler(request: RequestOf<S, M>, ctx: Context): Promise<ResponseOf<S, M>>
}

/** Any gRPC function, as the runtime stores it. */
export interface AnyGrpcFunction {
  readonly [FUNCTION]: true
  kind: 'grpc'
  service: ServiceKey
  method: string
  handler(request: never, ctx: Context): Promise<unknown>
}

export interface ConsumerOptions {
  /** Delays before each retry (default: the configured RETRY_DELAYS_MS). */
  retryDelaysMs?: readonly number[]
  /** Deliveries handled at once (default: the configured PREFETCH). */
  prefetch?: number
}

export interface ConsumerFunction<E extends EventName = EventName> {
  readonly [FUNCTION]: true
  kind: 'consumer'
  event: E
  options: ConsumerOptions
  handler(event: EventBody<E>, ctx: ConsumerContext): Promise<void>
}

export interface WorkerOptions<E extends EventName> {
  /** The event that feeds the worker's durable job list. */
  on: E
  /** Jobs run at once, or a function of the config giving it (default: 4). */
  concurrency?: number | ((config: AppConfig) => number)
  /** Job identity, so repeats of the same work collapse into one job (default: event id). */
  key?(event: EventBody<E>): string
}

export interface WorkerFunction<E extends EventName = EventName> {
  readonly [FUNCTION]: true
  kind: 'worker'
  options: WorkerOptions<E>
  handler(event: EventBody<E>, ctx: WorkerContext): Promise<void>
}

export type FunctionDef = HttpFunction | AnyGrpcFunction | ConsumerFunction | WorkerFunction

/** An HTTP function: a Hono app built once with the function's context. */
export function http(build: (ctx: Context) => Hono): HttpFunction {
  return { [FUNCTION]: true, kind: 'http', build }
}

/**
 * An HTTP function that only forwards routes to the functions serving them elsewhere, so one
 * entry point (the gateway) serves the whole public API however functions are spread.
 */
export function forward(routes: Readonly<Record<string, string>>): HttpFunction {
  return { [FUNCTION]: true, kind: 'http', build: () => new Hono(), forwards: routes }
}

/** A gRPC method implementation, e.g. `grpcMethod('orders', 'createOrder', handler)`. */
export function grpcMethod<S extends ServiceKey, M extends MethodName<S>>(
  service: S,
  method: M,
  handler: (request: RequestOf<S, M>, ctx: Context) => Promise<ResponseOf<S, M>>,
): GrpcFunction<S, M> {
  return { [FUNCTION]: true, kind: 'grpc', service, method, handler }
}

/** A queue consumer: its own durable queue bound to the event. */
export function consumer<E extends EventName>(
  event: E,
  handler: (event: EventBody<E>, ctx: ConsumerContext) => Promise<void>,
  options: ConsumerOptions = {},
): ConsumerFunction<E> {
  return { [FUNCTION]: true, kind: 'consumer', event, options, handler }
}

/**
 * A long-running worker: events are taken into a durable job list at once (so no delivery
 * is held while working), then jobs run with bounded concurrency, survive restarts, and are
 * retried with backoff when the handler throws.
 */
export function worker<E extends EventName>(
  options: WorkerOptions<E>,
  handler: (event: EventBody<E>, ctx: WorkerContext) => Promise<void>,
): WorkerFunction<E> {
  return { [FUNCTION]: true, kind: 'worker', options, handler }
}

export function isFunctionDef(value: unknown): value is FunctionDef {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[FUNCTION] === true
  )
}

/** A function with its identity, as the runtime hosts it. */
export interface LoadedFunction {
  name: string
  domain: string
  def: FunctionDef
}

export function triggerOf(def: FunctionDef): string {
  switch (def.kind) {
    case 'http':
      return 'http'
    case 'grpc':
      return `grpc ${def.service}.${def.method}`
    case 'consumer':
      return `consumer ${def.event}`
    case 'worker':
      return `worker ${def.options.on}`
  }
}
