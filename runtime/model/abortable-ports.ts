/**
 * Ports that refuse the work of a call that was given up: each operation of a collection and
 * each publish first checks the active call and, when it was given up, fails at once with the
 * call's reason — no command is sent. One check costs a lookup and a comparison.
 */
import type { Publisher } from '../ports/bus.ts'
import type { Collection, Doc } from '../ports/documents.ts'
import { refusedByCall } from './call-scope.ts'

/** An operation of a collection: three arguments at most (id or document, change, options). */
type Operation = (this: unknown, a?: unknown, b?: unknown, c?: unknown) => Promise<unknown>

/** `collection` with each of its operations refused for a given-up call. */
export function abortableCollection<D extends Doc>(collection: Collection<D>): Collection<D> {
  const wrapped: Record<string, unknown> = {}
  for (const [name, value] of Object.entries(collection)) {
    if (typeof value !== 'function') {
      wrapped[name] = value
      continue
    }
    const operation = value as Operation
    if (operation.length > 3)
      throw new Error(`${name}: a collection operation takes 3 arguments at most`)
    // Fixed arity, not rest arguments: no array per operation.
    wrapped[name] = (a?: unknown, b?: unknown, c?: unknown) =>
      refusedByCall() ?? operation.call(collection, a, b, c)
  }
  return wrapped as unknown as Collection<D>
}

/** `publisher` whose publishes are refused for a given-up call. */
export function abortablePublisher(publisher: Publisher): Publisher {
  return {
    publish: (topic, body, headers) => refusedByCall() ?? publisher.publish(topic, body, headers),
    event: (topic, body) => publisher.event(topic, body),
  }
}
