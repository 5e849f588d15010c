/**
 * The outbox binding: the relay of the hosted domains' collections that declare an outbox
 * (writes stored events with their changes; the relay publishes them). Started last, stopped
 * last: every other binding may still write events while it finishes its work in flight.
 */
import type { AnyDomain } from '../model/domain.ts'
import type { Bus } from '../ports/bus.ts'
import type { Doc, DocumentStore } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'
import { type OutboxRelay, type OutboxSource, outboxRelay } from './outbox-relay.ts'

/** The collections with an outbox of these domains. */
export function outboxSources(domains: readonly AnyDomain[], store: DocumentStore): OutboxSource[] {
  return domains.flatMap((domain) =>
    Object.values(domain.spec.data?.collections ?? {})
      .filter((c) => c.spec.outbox)
      .map((c) => ({
        name: `${domain.name}.${c.spec.name}`,
        collection: store.collection<Doc>(domain.name, c.spec),
      })),
  )
}

export function prepareOutbox(options: {
  domains: readonly AnyDomain[]
  store: DocumentStore
  bus: Bus
  log: Logger
  pollMs: number
}): OutboxRelay {
  return outboxRelay({
    sources: outboxSources(options.domains, options.store),
    bus: options.bus,
    log: options.log.child({ component: 'outbox' }),
    pollMs: options.pollMs,
  })
}
