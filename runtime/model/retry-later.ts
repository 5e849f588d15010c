/** Thrown by a worker handler to run the job again later without counting it as a failure. */
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
