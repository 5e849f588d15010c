/**
 * A binding ties the functions of one trigger kind (HTTP, gRPC, consumer, worker) to that
 * trigger: prepared when the runtime is created (handlers wrapped, apps built), started when it
 * starts (servers listen, queues are consumed), stopped gracefully, and able to run one of its
 * functions once, through the very code a real trigger goes through (`oms invoke`).
 */
import type { Tracer } from '@opentelemetry/api'
import type { Adapters } from '../adapters/create-adapters.ts'
import type { RuntimeConfig } from '../config/runtime-settings.ts'
import type { TlsCredentials } from '../grpc/tls-credentials.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { Logger } from '../ports/logger.ts'
import type { Context } from './context.ts'
import type { FunctionDef, LoadedFunction } from './define.ts'

/** A function as a binding hosts it: with its context and its domain's tracer. */
export interface Hosted<D extends FunctionDef = FunctionDef> {
  fn: LoadedFunction & { def: D }
  ctx: Context
  tracer: Tracer
}

export interface BindingDeps {
  config: RuntimeConfig
  log: Logger
  adapters: Adapters
  /** The runtime's metrics (served at /metrics). */
  metrics: Metrics
  /** Mutual TLS credentials, when OMS_TLS_* are set. */
  tls?: TlsCredentials
  /** Registers a started function where it can be reached. */
  register(fn: LoadedFunction, port: number, trigger: 'grpc' | 'http'): Promise<void>
}

/** How long work given up at the end of a stop's grace has to end before the process goes on closing. */
export const SETTLE_MS = 1_000

export interface Binding {
  start(): Promise<void>
  /**
   * Graceful: stop taking work at once, let what is in flight finish within the grace
   * (SHUTDOWN_GRACE_MS), then give it up (its calls' signals abort) and wait for it at most
   * SETTLE_MS more.
   */
  stop(): Promise<void>
  /** Runs one hosted function once with an input, as its trigger would. */
  invoke(name: string, input: unknown): Promise<unknown>
}

/** The hosted functions of one kind. */
export function ofKind<K extends FunctionDef['kind']>(
  hosted: readonly Hosted[],
  kind: K,
): Hosted<Extract<FunctionDef, { kind: K }>>[] {
  return hosted.filter((h) => h.fn.def.kind === kind) as Hosted<Extract<FunctionDef, { kind: K }>>[]
}

/** The hosted function named, or an error saying it is not hosted here. */
export function hostedNamed<H extends Hosted>(hosted: readonly H[], name: string): H {
  const found = hosted.find((h) => h.fn.name === name)
  if (!found) throw new Error(`function ${name} is not hosted here`)
  return found
}
