/**
 * The store of a process that hosts no function keeping data (no domain with collections, no
 * consumer or worker): nothing is connected, and any use is a programming error.
 */
import type { DocumentStore } from '../../ports/documents.ts'

export function noStore(): DocumentStore {
  return {
    kind: 'none',
    remote: false,
    async prepare() {},
    collection(namespace, spec) {
      throw new Error(
        `${namespace}.${spec.name}: this process hosts no function that keeps data, so it has no store`,
      )
    },
    async ping() {},
    async close() {},
  }
}
