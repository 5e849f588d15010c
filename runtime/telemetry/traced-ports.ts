/**
 * Ports wrapped in spans for one function: every call to a database store, every publish
 * (which also carries the trace context in the message headers) and every payments call is a
 * child span.
 */
import type { Tracer } from '@opentelemetry/api'
import type { EventName } from '../../shared/events.ts'
import type { Publisher } from '../ports/bus.ts'
import type { Payments } from '../ports/payments.ts'
import type { Store } from '../ports/store.ts'
import { inject, inSpan, SpanKind } from './spans.ts'

const REPOS = ['menu', 'stock', 'orders', 'processed', 'jobs'] as const

/**
 * Stores whose calls stay in this process: no spans. A database client span stands for a call
 * to a database (OpenTelemetry's database conventions); the embedded store answers from memory
 * in microseconds, so spans around its calls would cost more than the calls and show no hop.
 */
const IN_PROCESS_STORES: ReadonlySet<string> = new Set(['embedded'])

/** Each repository method call of a database store becomes a `store <repo>.<method>` span. */
export function tracedStore(store: Store, tracer: Tracer, fn: string): Store {
  if (IN_PROCESS_STORES.has(store.kind)) return store
  const wrapped: Record<string, unknown> = {}
  for (const repo of REPOS) {
    const target = store[repo] as unknown as Record<
      string,
      (...args: unknown[]) => Promise<unknown>
    >
    wrapped[repo] = new Proxy(target, {
      get(obj, method: string) {
        const original = obj[method]
        if (typeof original !== 'function') return original
        return (...args: unknown[]) =>
          inSpan(
            tracer,
            `store ${repo}.${method}`,
            {
              kind: SpanKind.CLIENT,
              attributes: {
                'db.system.name': store.kind,
                'db.operation.name': `${repo}.${method}`,
                'faas.name': fn,
              },
            },
            () => original.apply(obj, args),
          )
      },
    })
  }
  return {
    ...wrapped,
    kind: store.kind,
    ping: () => store.ping(),
    close: () => store.close(),
  } as Store
}

/** Publishing is a PRODUCER span whose context travels in the message headers. */
export function tracedPublisher(bus: Publisher, tracer: Tracer, fn: string): Publisher {
  return {
    publish<E extends EventName>(
      event: E,
      body: Parameters<Publisher['publish']>[1],
      headers: Record<string, string> = {},
    ) {
      return inSpan(
        tracer,
        `publish ${event}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            'messaging.operation.type': 'send',
            'messaging.destination.name': event,
            'messaging.message.id': (body as { eventId?: string }).eventId ?? '',
            'faas.name': fn,
          },
        },
        () => bus.publish(event, body as never, inject({ ...headers })),
      )
    },
  }
}

/** The payment provider's calls (the Stripe API, or the local stand-in) as CLIENT spans. */
export function tracedPayments(payments: Payments, tracer: Tracer, fn: string): Payments {
  const attributes = { 'payments.provider': payments.kind, 'faas.name': fn }
  return {
    kind: payments.kind,
    local: payments.local,
    createCheckoutSession: (request) =>
      inSpan(
        tracer,
        'payments checkout.sessions.create',
        { kind: SpanKind.CLIENT, attributes },
        () => payments.createCheckoutSession(request),
      ),
    verifyWebhook: (rawBody, signature) =>
      inSpan(tracer, 'payments webhook.verify', { attributes }, () =>
        payments.verifyWebhook(rawBody, signature),
      ),
  }
}
