/** What a handler gets besides its input: ports only, never an adapter. */
import type { AppConfig } from '../config.ts'
import type { Clients } from '../grpc/services.ts'
import type { Publisher } from '../ports/bus.ts'
import type { Logger } from '../ports/logger.ts'
import type { Payments } from '../ports/payments.ts'
import type { Store } from '../ports/store.ts'

export interface Context {
  /** The function being run. */
  fn: { name: string; domain: string }
  config: AppConfig
  log: Logger
  store: Store
  bus: Publisher
  clients: Clients
  payments: Payments
  /** The trace this work belongs to. */
  trace: {
    /** The current W3C traceparent (to store with what outlives this call). */
    traceparent(): string | undefined
    /** Links the current span to another trace (e.g. the order's, from a webhook). */
    link(traceparent: string, attributes?: Record<string, string>): void
  }
  /** HTTP calls to other functions (in process when hosted here, else through the registry). */
  http: { fetch(functionName: string, path: string, init: RequestInit): Promise<Response> }
}

export interface ConsumerContext extends Context {
  message: { id: string; attempt: number; headers: Record<string, string> }
}

export interface WorkerContext extends Context {
  job: { id: string; attempt: number }
  /** Aborted when the process shuts down; long work should stop and resume later. */
  signal: AbortSignal
}
