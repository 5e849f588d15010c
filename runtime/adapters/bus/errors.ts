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
 * answering UNAVAILABLE, or not within its deadline, a store that cannot be reached) or not
 * ready (RetryLater). Waiting is the cure, not parking.
 */
export function isTransient(err: unknown): boolean {
  return (
    isRetryLater(err) ||
    err instanceof StoreUnavailableError ||
    (isDomainError(err) && (err.code === 'UNAVAILABLE' || err.code === 'DEADLINE_EXCEEDED'))
  )
}

/**
 * The wait before the next try of a message that failed transiently after waiting `waitedMs`
 * in all: the consumer's retry delays in turn, the last one repeating, none of them counted as
 * a try; undefined once `budgetMs` is spent (the failure then counts like any other), or when
 * the consumer has no delays.
 */
export function transientWait(
  err: unknown,
  waitedMs: number,
  budgetMs: number | undefined,
  delays: readonly number[],
): number | undefined {
  if (delays.length === 0 || !isTransient(err) || isPoison(err) || waitedMs >= (budgetMs ?? 0))
    return undefined
  const last = delays.length - 1
  let waits = 0
  for (let sum = 0; sum < waitedMs; waits++) sum += delays[Math.min(waits, last)] as number
  return delays[Math.min(waits, last)]
}
