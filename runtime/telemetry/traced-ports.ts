/**
 * Ports wrapped in spans for one function: every call to a database collection and every
 * publish (which also carries the trace context in the message headers) is a child span. Each
 * collection call's time is also counted (the store operation latency metric), on any store.
 */
import type { Tracer } from '@opentelemetry/api'
import type { Metrics } from '../metrics/metrics.ts'
import type { Topic } from '../model/topic.ts'
import type { Bus, EventEnvelope, Publisher } from '../ports/bus.ts'
import type { Collection, Doc, DocumentStore } from '../ports/documents.ts'
import { createSpan, inject, inSpan, SpanKind } from './spans.ts'

const OPERATIONS = [
  'insert',
  'get',
  'find',
  'update',
  'delete',
  'pendingEvents',
  'clearEvents',
] as const

/**
 * Each call of a collection of a database store becomes a `store <collection>.<operation>`
 * CLIENT span. A database client span stands for a call to a database (OpenTelemetry's
 * database conventions); the embedded store answers from memory in microseconds, so spans
 * around its calls would cost more than the calls and show no hop: only their time is counted
 * (when `metrics` is given).
 */
export function tracedCollection<D extends Doc>(
  collection: Collection<D>,
  store: Pick<DocumentStore, 'kind' | 'remote'>,
  namespace: string,
  name: string,
  tracer: Tracer,
  fn: string,
  metrics?: Metrics,
): Collection<D> {
  if (!store.remote && !metrics) return collection
  const wrapped = {} as Record<string, unknown>
  for (const op of OPERATIONS) {
    const bare = collection[op] as (...args: unknown[]) => Promise<unknown>
    const original = metrics ? timed(bare, collection, metrics, store, namespace, name, op) : bare
    if (!store.remote) {
      wrapped[op] = original
      continue
    }
    const spec = {
      kind: SpanKind.CLIENT,
      attributes: {
        'db.system.name': store.kind,
        'db.collection.name': `${namespace}.${name}`,
        'db.operation.name': op,
        'faas.name': fn,
      },
    }
    wrapped[op] = (...args: unknown[]) =>
      inSpan(tracer, `store ${namespace}.${name}.${op}`, spec, () =>
        original.apply(collection, args),
      )
  }
  return wrapped as unknown as Collection<D>
}

/**
 * `call` with its time counted as the store operation `op` of the collection. The embedded
 * store does an operation's work synchronously, before it returns its promise: that is timed,
 * which adds no promise to the call (under tracing's async hooks each costs a microsecond); a
 * remote store's call is timed until it settles.
 */
function timed(
  call: (...args: unknown[]) => Promise<unknown>,
  self: unknown,
  metrics: Metrics,
  store: Pick<DocumentStore, 'remote'>,
  namespace: string,
  name: string,
  op: string,
): (...args: unknown[]) => Promise<unknown> {
  const observe = (started: number) =>
    metrics.storeOperation(namespace, name, op, (performance.now() - started) / 1000)
  if (!store.remote)
    return (...args) => {
      const started = performance.now()
      const answer = call.apply(self, args)
      observe(started)
      return answer
    }
  return (...args) => {
    const started = performance.now()
    return call.apply(self, args).finally(() => observe(started))
  }
}

/** Publishing is a PRODUCER span whose context travels in the message headers. */
export function tracedPublisher(bus: Bus, tracer: Tracer, fn: string): Publisher {
  return {
    publish<T extends EventEnvelope>(
      topic: Topic<T>,
      body: T,
      headers: Record<string, string> = {},
    ) {
      return inSpan(
        tracer,
        `publish ${topic.name}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.operation.type': 'send',
            'messaging.destination.name': topic.name,
            'messaging.message.id': body.eventId,
            'faas.name': fn,
          },
        },
        () => bus.publish(topic.name, body, inject({ ...headers })),
      )
    },
    event(topic, body) {
      const parsed = topic.schema.safeParse(body)
      if (!parsed.success)
        throw new Error(`${topic.name} event does not meet its schema: ${parsed.error.message}`)
      // The message is made now and sent later by the outbox relay: a PRODUCER span of the
      // `create` operation, whose context travels in the event (consumers are its children).
      const headers = createSpan(tracer, `publish ${topic.name}`, {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.operation.type': 'create',
          'messaging.destination.name': topic.name,
          'messaging.message.id': body.eventId,
          'faas.name': fn,
        },
      })
      return { topic: topic.name, id: body.eventId, body: JSON.stringify(body), headers }
    },
  }
}
