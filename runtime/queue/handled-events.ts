/**
 * The runtime's record of the message ids each consumer function has handled: one document
 * per (function, message id) in the runtime's own namespace of the document store, so a
 * redelivered message is skipped. Functions never see it.
 */
import type { Collection, CollectionSpec, DocumentStore } from '../ports/documents.ts'

/** The runtime's namespace in the document store (no domain may be named so). */
export const RUNTIME_NAMESPACE = 'runtime'

interface HandledDoc {
  _id: string
  fn: string
  messageId: string
  /** When it was handled (epoch ms). */
  at: number
}

export const HANDLED_EVENTS: CollectionSpec = { name: 'handled_events', indexes: [] }

export interface HandledEvents {
  has(fn: string, messageId: string): Promise<boolean>
  /** Records the message as handled by the function; true the first time only. */
  mark(fn: string, messageId: string): Promise<boolean>
}

export function handledEvents(store: DocumentStore): HandledEvents {
  const marks: Collection<HandledDoc> = store.collection(RUNTIME_NAMESPACE, HANDLED_EVENTS)
  const id = (fn: string, messageId: string) => `${fn}/${messageId}`
  return {
    has: (fn, messageId) => marks.get(id(fn, messageId)).then((doc) => doc !== undefined),
    mark: (fn, messageId) =>
      marks.insert({ _id: id(fn, messageId), fn, messageId, at: Date.now() }),
  }
}
