/**
 * The function model. A function module's default export declares its trigger and its
 * handler of (input, context) through its domain (`billing.grpcMethod(...)`, see domain.ts);
 * the runtime binds it. Names come from the file path: `functions/<domain>/<name>.ts` is
 * `<domain>.<name>`.
 */
import type { Hono } from 'hono'
import type { AnyDomain } from './domain.ts'
import type { GrpcService } from './grpc-service.ts'
import type { Topic } from './topic.ts'

export const FUNCTION = Symbol.for('oms.function')

interface Base {
  readonly [FUNCTION]: true
  /** The domain the function belongs to. */
  readonly domain: AnyDomain
}

export interface HttpFunction extends Base {
  kind: 'http'
  /** Builds the function's Hono app; routes are absolute paths. */
  build: (ctx: never) => Hono
  /**
   * Routes this function passes on to the HTTP function that serves them, when that function
   * is hosted by another process: `{ 'POST /hooks/in': '<domain>.<function>' }`.
   */
  forwards?: Readonly<Record<string, string>>
}

export interface GrpcFunction extends Base {
  kind: 'grpc'
  service: GrpcService
  method: string
  handler(request: never, ctx: never): Promise<unknown>
}

export interface ConsumerOptions {
  /** Delays before each retry (default: the configured RETRY_DELAYS_MS). */
  retryDelaysMs?: readonly number[]
  /** Deliveries handled at once (default: the configured PREFETCH). */
  prefetch?: number
  /**
   * How long the handler usually takes per message, in ms: what autoscaling sizes the backlog
   * one replica is given by (`oms deploy k8s`; default 100 ms).
   */
  expectedHandlerMs?: number
  /**
   * The handler is safe to run again on the same message by itself (its writes are keyed by
   * the event or conditional, its calls idempotent): the runtime then keeps no handled mark for
   * it — no store command per message — and a redelivery runs it again. Default false: each
   * message handled is recorded, and a redelivered one already handled is skipped.
   */
  idempotent?: boolean
}

export interface ConsumerFunction extends Base {
  kind: 'consumer'
  topic: Topic
  options: ConsumerOptions
  handler(event: never, ctx: never): Promise<void>
}

export interface WorkerOptions<T, S> {
  /** The topic whose events feed the worker's durable job list. */
  on: Topic<T>
  /** Jobs run at once, or a function of the domain's settings giving it (default: 4). */
  concurrency?: number | ((settings: S) => number)
  /** Job identity, so repeats of the same work collapse into one job (default: event id). */
  key?(event: T): string
}

export interface WorkerFunction extends Base {
  kind: 'worker'
  options: WorkerOptions<unknown, never>
  handler(event: never, ctx: never): Promise<void>
}

export interface ScheduleOptions<S> {
  /** Milliseconds between the end of one run and the start of the next, or a function of the domain's settings giving it. */
  every: number | ((settings: S) => number)
}

export interface ScheduleFunction extends Base {
  kind: 'schedule'
  options: ScheduleOptions<never>
  handler(ctx: never): Promise<void>
}

export type FunctionDef =
  | HttpFunction
  | GrpcFunction
  | ConsumerFunction
  | WorkerFunction
  | ScheduleFunction

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
      return `grpc ${def.service.name.split('.').pop()}.${def.method}`
    case 'consumer':
      return `consumer ${def.topic.name}`
    case 'worker':
      return `worker ${def.options.on.name}`
    case 'schedule':
      return 'schedule'
  }
}
