/**
 * Builds a function's context: its domain's settings, its domain's repository over that
 * domain's collections only, clients of the services its domain calls, and the runtime's ports,
 * each wrapped in spans of the function's domain.
 */
import { type Tracer, trace } from '@opentelemetry/api'
import type { ClientPool } from '../grpc/clients.ts'
import type { FunctionFetch } from '../http/function-fetch.ts'
import type { Metrics } from '../metrics/metrics.ts'
import type { WrittenEvents } from '../outbox/outbox-relay.ts'
import type { Bus } from '../ports/bus.ts'
import type { Collection, Doc, DocumentStore, OutgoingEvent } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'
import type { LiveEvents } from '../queue/live-events.ts'
import { currentTraceparent, inSpan, linkTo, SpanKind } from '../telemetry/spans.ts'
import { tracedCollection, tracedPublisher } from '../telemetry/traced-ports.ts'
import { abortableCollection, abortablePublisher } from './abortable-ports.ts'
import { cachedCollection } from './cached-collection.ts'
import { NO_CALL_SIGNAL } from './call.ts'
import { activeCall } from './call-scope.ts'
import type { Context } from './context.ts'
import type { LoadedFunction } from './define.ts'
import type { AnyDomain, Domain } from './domain.ts'

export interface ContextDeps {
  /** The domain's settings values, as loaded at start. */
  settings: Readonly<Record<string, unknown>>
  publicUrl: string
  log: Logger
  store: DocumentStore
  bus: Bus
  pool: ClientPool
  tracer: Tracer
  /** Where the store operations' latency is counted. */
  metrics?: Metrics
  fetchFunction: FunctionFetch
  /** A write stored events (the outbox relay then publishes them soon). */
  storedEvents?: (written: WrittenEvents) => void
  /** What `ctx.signal` is outside any call: aborted once the process has stopped. */
  stopped?: AbortSignal
  /** The process's live events (one hub for all its functions). */
  live: LiveEvents
}

/** The repository type of a domain. */
export type DataOf<D> = D extends Domain<infer _S, infer R, infer _C, infer _G> ? R : never

/** The domain's repository over its own collections (what `ctx.data` is). */
export function openData<D extends AnyDomain | Domain<never, unknown, never, unknown>>(
  domain: D,
  store: DocumentStore,
  wrap: <T extends Doc>(c: Collection<T>, name: string) => Collection<T> = (c) => c,
): DataOf<D> {
  const spec = (domain as AnyDomain).spec.data
  if (!spec) return undefined as DataOf<D>
  const collections = Object.fromEntries(
    Object.entries(spec.collections).map(([key, decl]) => {
      const c = wrap(store.collection(domain.name, decl.spec), decl.spec.name)
      const name = `${domain.name}.${decl.spec.name}`
      return [key, decl.cache ? cachedCollection(c, store, name, decl.cache) : c]
    }),
  )
  return spec.open(collections) as DataOf<D>
}

/**
 * The collection, handing `storedEvents` the events of each write that stored them (once it
 * applied), so the relay publishes them without reading them back.
 */
function wakingOnEvents<D extends Doc>(
  c: Collection<D>,
  source: string,
  storedEvents: (written: WrittenEvents) => void,
): Collection<D> {
  const woken = <T>(result: Promise<T>, id: string, events: readonly OutgoingEvent[]) => {
    result.then(
      (applied) => {
        if (applied) storedEvents({ source, pending: { id, events: [...events] } })
      },
      () => {},
    )
    return result
  }
  return {
    ...c,
    insert: (doc, options) =>
      options?.events?.length
        ? woken(c.insert(doc, options), doc._id, options.events)
        : c.insert(doc, options),
    update: (id, change, options) =>
      options?.events?.length
        ? woken(c.update(id, change, options), id, options.events)
        : c.update(id, change, options),
  }
}

export function createContext(fn: LoadedFunction, deps: ContextDeps): Context {
  const { log, store, bus, pool, tracer, fetchFunction, storedEvents } = deps
  const domain = fn.def.domain
  const stopped = deps.stopped ?? NO_CALL_SIGNAL
  return {
    fn: { name: fn.name, domain: fn.domain },
    settings: deps.settings,
    // The context serves every call: its deadline and signal are those of the call running now.
    get deadline() {
      return activeCall()?.deadline ?? Infinity
    },
    get signal() {
      return activeCall()?.signal ?? stopped
    },
    data: openData(domain, store, (c, name) => {
      const traced = tracedCollection(c, store, domain.name, name, tracer, fn.name, deps.metrics)
      const source = `${domain.name}.${name}`
      return abortableCollection(
        storedEvents ? wakingOnEvents(traced, source, storedEvents) : traced,
      )
    }),
    clients: pool.clientsFor(domain.spec.clients ?? {}, tracer, fn.name),
    publicUrl: deps.publicUrl,
    log: log.child({ fn: fn.name }),
    bus: abortablePublisher(tracedPublisher(bus, tracer, fn.name)),
    live: deps.live,
    trace: {
      traceparent: currentTraceparent,
      link(traceparent, attributes) {
        const link = linkTo(traceparent, attributes)
        if (link) trace.getActiveSpan()?.addLink(link)
      },
      span(name, { kind, attributes }, work) {
        const spec = {
          kind: kind === 'client' ? SpanKind.CLIENT : SpanKind.INTERNAL,
          attributes: { ...attributes, 'faas.name': fn.name },
        }
        return inSpan(tracer, name, spec, work)
      },
    },
    http: { fetch: fetchFunction },
  }
}
