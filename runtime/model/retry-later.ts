/**
 * Thrown by a handler whose work cannot be done yet (another domain has not caught up): a
 * worker runs the job again later without counting a failure; a consumer's message waits and
 * is tried again without counting a try, for up to TRANSIENT_WAIT_MS in all (then its
 * failures count), and is logged quietly.
 */
export class RetryLater extends Error {
  override name = 'RetryLater'
  constructor(
    message: string,
    /** Suggested delay; the worker's backoff applies when omitted. */
    readonly delayMs?: number,
  ) {
    super(message)
  }
}

export function isRetryLater(err: unknown): err is RetryLater {
  return err instanceof Error && err.name === 'RetryLater'
}
