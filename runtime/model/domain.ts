/**
 * A domain declares, next to its functions, the resources it owns: its settings (environment
 * variables), its data (collections and the repository over them), the gRPC service it
 * serves and the services it calls, what to seed an empty store with, and what to embed at
 * build time. Its functions are made through it, so each handler's context is typed with
 * exactly its own domain's settings, data and clients. The runtime reads the declarations;
 * it knows no domain by name.
 *
 *   // functions/<domain>/domain.ts
 *   export const billing = domain('billing', { settings, data, clients: { ledger } })
 *   // functions/<domain>/charge.ts
 *   export default billing.consumer(orderPaid, async (event, ctx) => { ... })
 */
import { Hono } from 'hono'
import type { SettingsOf, SettingsSpec } from '../config/setting.ts'
import type { ConsumerContext, Context, ScheduleContext, WorkerContext } from './context.ts'
import type { DataSpec } from './data.ts'
import {
  type ConsumerFunction,
  type ConsumerOptions,
  FUNCTION,
  type GrpcFunction,
  type HttpFunction,
  type ScheduleFunction,
  type ScheduleOptions,
  type WorkerFunction,
  type WorkerOptions,
} from './define.ts'
import type {
  AccessSpec,
  ClientsOf,
  ClientsSpec,
  GrpcService,
  MethodName,
  RequestOf,
  ResponseOf,
  ServiceDefinition,
} from './grpc-service.ts'
import type { Topic } from './topic.ts'

const DOMAIN = Symbol.for('oms.domain')

/** A problem across a domain's settings, naming the variable to fix. */
export interface SettingsProblem {
  env: string
  message: string
}

export interface DomainSpec<S extends SettingsSpec, R, C extends ClientsSpec, G> {
  /** The environment variables the domain reads. */
  settings?: S
  /** Checks across the values (e.g. one variable requires another). */
  checkSettings?(
    values: SettingsOf<S>,
    isSet: (key: keyof S & string) => boolean,
  ): SettingsProblem | undefined
  /** The domain's collections and its repository over them. */
  data?: DataSpec<R>
  /** The gRPC service the domain serves (its methods are functions of this domain). */
  serves?: G
  /**
   * Which domains may call which methods of the served service (least privilege): a call from
   * a domain its method does not list is refused with FORBIDDEN. The domain's own functions
   * may call all of them. Without it, every domain may call every method.
   */
  access?: AccessSpec<DefOf<G>>
  /** The gRPC services the domain calls, by the name its code calls them under. */
  clients?: C
  /** Fills an empty store (run at start by every process hosting the domain; must be idempotent). */
  seed?(data: R): Promise<void>
  /** Text assets made at build time and embedded in bundles (see `embeddedAssets`). */
  embed?(): Promise<Readonly<Record<string, string>>>
}

type DefOf<G> = G extends GrpcService<infer Def> ? Def : never

export interface Domain<
  S extends SettingsSpec = SettingsSpec,
  R = unknown,
  C extends ClientsSpec = ClientsSpec,
  G = unknown,
> {
  readonly [DOMAIN]: true
  readonly name: string
  readonly spec: DomainSpec<S, R, C, G>

  /** An HTTP function: a Hono app built once with the function's context. */
  http(build: (ctx: Context<SettingsOf<S>, R, ClientsOf<C>>) => Hono): HttpFunction
  /**
   * An HTTP function that only forwards routes to the functions serving them elsewhere, so one
   * entry point serves the whole public surface however functions are spread.
   */
  forward(routes: Readonly<Record<string, string>>): HttpFunction
  /** A method of the service the domain serves, e.g. `grpcMethod('createOrder', handler)`. */
  grpcMethod<M extends MethodName<DefOf<G>>>(
    method: M,
    handler: (
      request: RequestOf<DefOf<G>, M>,
      ctx: Context<SettingsOf<S>, R, ClientsOf<C>>,
    ) => Promise<ResponseOf<DefOf<G>, M>>,
  ): GrpcFunction
  /** A queue consumer: its own durable queue bound to the topic. */
  consumer<T>(
    topic: Topic<T>,
    handler: (event: T, ctx: ConsumerContext<SettingsOf<S>, R, ClientsOf<C>>) => Promise<void>,
    options?: ConsumerOptions,
  ): ConsumerFunction
  /**
   * A long-running worker: events are taken into a durable job list at once (so no delivery
   * is held while working), then jobs run with bounded concurrency, survive restarts, and are
   * retried with backoff when the handler throws.
   */
  worker<T>(
    options: WorkerOptions<T, SettingsOf<S>>,
    handler: (event: T, ctx: WorkerContext<SettingsOf<S>, R, ClientsOf<C>>) => Promise<void>,
  ): WorkerFunction
  /**
   * A scheduled function: run by every process hosting it, again and again, `every` ms after
   * its last run ended (never two runs at once in a process). Its work must be safe to run in
   * several processes at once: guarded writes, as everywhere else.
   */
  schedule(
    options: ScheduleOptions<SettingsOf<S>>,
    handler: (ctx: ScheduleContext<SettingsOf<S>, R, ClientsOf<C>>) => Promise<void>,
  ): ScheduleFunction
}

/** Any domain, as the runtime handles it. */
export type AnyDomain = Domain<SettingsSpec, unknown, ClientsSpec, unknown>

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/
/** Names the runtime keeps for itself (its own collections live under `runtime`). */
const RESERVED = new Set(['runtime', 'oms'])

export function domain<
  S extends SettingsSpec = Record<never, never>,
  R = undefined,
  C extends ClientsSpec = Record<never, never>,
  G extends GrpcService<ServiceDefinition> | undefined = undefined,
>(name: string, spec: DomainSpec<S, R, C, G> = {}): Domain<S, R, C, G> {
  if (!NAME.test(name) || RESERVED.has(name))
    throw new Error(`domain "${name}": use lower-case letters and digits (not runtime or oms)`)
  if (spec.serves && (spec.serves as GrpcService).domain !== name)
    throw new Error(
      `domain ${name} serves ${(spec.serves as GrpcService).name}, which is declared for domain ${(spec.serves as GrpcService).domain}`,
    )
  const self: Domain<S, R, C, G> = {
    [DOMAIN]: true,
    name,
    spec,
    http: (build) => ({ [FUNCTION]: true, domain: erased(self), kind: 'http', build }),
    forward: (routes) => ({
      [FUNCTION]: true,
      domain: erased(self),
      kind: 'http',
      build: () => new Hono(),
      forwards: routes,
    }),
    grpcMethod(method, handler) {
      const service = spec.serves as GrpcService | undefined
      if (!service) throw new Error(`domain ${name} declares no service it serves`)
      if (!(method in service.definition))
        throw new Error(`${service.name} has no method ${method}`)
      return { [FUNCTION]: true, domain: erased(self), kind: 'grpc', service, method, handler }
    },
    consumer: (topic, handler, options = {}) => ({
      [FUNCTION]: true,
      domain: erased(self),
      kind: 'consumer',
      topic: topic as Topic,
      options,
      handler,
    }),
    worker: (options, handler) => ({
      [FUNCTION]: true,
      domain: erased(self),
      kind: 'worker',
      options: options as WorkerOptions<unknown, never>,
      handler,
    }),
    schedule: (options, handler) => ({
      [FUNCTION]: true,
      domain: erased(self),
      kind: 'schedule',
      options: options as ScheduleOptions<never>,
      handler,
    }),
  }
  return self
}

/** The domain as functions carry it: its type parameters erased. */
const erased = (d: unknown) => d as AnyDomain

export function isDomain(value: unknown): value is AnyDomain {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[DOMAIN] === true
  )
}

/** The context a domain's functions get, for helpers that take one: `ContextOf<typeof billing>`. */
export type ContextOf<D> =
  D extends Domain<infer S, infer R, infer C, infer _G>
    ? Context<SettingsOf<S>, R, ClientsOf<C>>
    : never
export type ConsumerContextOf<D> =
  D extends Domain<infer S, infer R, infer C, infer _G>
    ? ConsumerContext<SettingsOf<S>, R, ClientsOf<C>>
    : never
export type ScheduleContextOf<D> =
  D extends Domain<infer S, infer R, infer C, infer _G>
    ? ScheduleContext<SettingsOf<S>, R, ClientsOf<C>>
    : never
export type WorkerContextOf<D> =
  D extends Domain<infer S, infer R, infer C, infer _G>
    ? WorkerContext<SettingsOf<S>, R, ClientsOf<C>>
    : never
