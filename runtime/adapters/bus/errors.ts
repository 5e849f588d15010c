/** How bus adapters classify and describe a handler's failure. */
import { isDomainError } from '../../../shared/errors.ts'
import { isRetryLater } from '../../model/retry-later.ts'
import { PoisonMessageError } from '../../ports/bus.ts'
import { StoreUnavailableError } from '../../ports/documents.ts'

export function isPoison(err: unknown): boolean {
  return (
    err instanceof PoisonMessageError || (err instanceof Error && err.name === 'PoisonMessageError')
  )
}

export function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return String(err)
}

/**
 * A failure that says nothing about the message: what the handler needs is away (a service
 * answering UNAVAILABLE, a store that cannot be reached) or not ready (RetryLater). Waiting
 * is the cure, not parking.
 */
export function isTransient(err: unknown): boolean {
  return (
    isRetryLater(err) ||
    err instanceof StoreUnavailableError ||
    (isDomainError(err) && err.code === 'UNAVAILABLE')
  )
}

/** The delays a transient failure waits, in turn (the last one repeats). */
export const TRANSIENT_DELAYS_MS: readonly number[] = [1000, 5000, 15_000]

/**
 * The wait before the next try of a message that failed transiently after waiting `waitedMs`
 * in all; undefined once `budgetMs` is spent (the failure then counts like any other).
 */
export function transientWait(err: unknown, waitedMs: number, budgetMs = 0): number | undefined {
  if (!isTransient(err) || isPoison(err) || waitedMs >= budgetMs) return undefined
  let waits = 0
  for (let sum = 0; sum < waitedMs; waits++)
    sum += TRANSIENT_DELAYS_MS[Math.min(waits, TRANSIENT_DELAYS_MS.length - 1)]!
  return TRANSIENT_DELAYS_MS[Math.min(waits, TRANSIENT_DELAYS_MS.length - 1)]
}
