/** Builds a function's context: its ports, each wrapped in spans of the function's domain. */
import { type Tracer, trace } from '@opentelemetry/api'
import type { Adapters } from '../adapters/create-adapters.ts'
import type { AppConfig } from '../config.ts'
import type { ClientPool } from '../grpc/clients.ts'
import type { FunctionFetch } from '../http/function-fetch.ts'
import type { Logger } from '../ports/logger.ts'
import { currentTraceparent, linkTo } from '../telemetry/spans.ts'
import { tracedPayments, tracedPublisher, tracedStore } from '../telemetry/traced-ports.ts'
import type { Context } from './context.ts'
import type { LoadedFunction } from './define.ts'

export interface ContextDeps {
  config: AppConfig
  log: Logger
  adapters: Adapters
  pool: ClientPool
  tracer: Tracer
  fetchFunction: FunctionFetch
}

export function createContext(fn: LoadedFunction, deps: ContextDeps): Context {
  const { config, log, adapters, pool, tracer, fetchFunction } = deps
  return {
    fn: { name: fn.name, domain: fn.domain },
    config,
    log: log.child({ fn: fn.name }),
    store: tracedStore(adapters.store, tracer, fn.name),
    bus: tracedPublisher(adapters.bus, tracer, fn.name),
    clients: pool.clientsFor(tracer, fn.name),
    payments: tracedPayments(adapters.payments, tracer, fn.name),
    trace: {
      traceparent: currentTraceparent,
      link(traceparent, attributes) {
        const link = linkTo(traceparent, attributes)
        if (link) trace.getActiveSpan()?.addLink(link)
      },
    },
    http: { fetch: fetchFunction },
  }
}
