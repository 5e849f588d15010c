/** Embedded record of handled event ids, per consumer scope. */
import type { ProcessedEvents } from '../../../ports/store.ts'

export function memoryProcessed(): ProcessedEvents {
  const seen = new Set<string>()
  const key = (scope: string, eventId: string) => `${scope}\u0000${eventId}`
  return {
    async has(scope, eventId) {
      return seen.has(key(scope, eventId))
    },
    async markOnce(scope, eventId) {
      const k = key(scope, eventId)
      if (seen.has(k)) return false
      seen.add(k)
      return true
    },
    async unmark(scope, eventId) {
      seen.delete(key(scope, eventId))
    },
  }
}
