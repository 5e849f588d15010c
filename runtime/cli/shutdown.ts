/**
 * Graceful shutdown for long-running commands: the first SIGINT, SIGTERM (or, under
 * `oms dev`, the loss of the parent) asks the process to stop; later signals are ignored
 * while it stops, and a bound forces the exit if stopping hangs.
 */

/** How long a graceful stop may take before the process exits anyway (default 15 s). */
export const STOP_TIMEOUT_MS = 15_000

/** Beyond the drain's grace: time to give up what still runs and to close the store and bus. */
const STOP_MARGIN_MS = 5_000

/** How long a process whose drain has `shutdownGraceMs` may take to stop before it exits anyway. */
export function stopBoundMs(shutdownGraceMs: number): number {
  return Math.max(STOP_TIMEOUT_MS, shutdownGraceMs + STOP_MARGIN_MS)
}

/** Resolves with the reason once the process is asked to stop. Installs the handlers at once. */
export function shutdownRequested(): Promise<string> {
  return new Promise((resolve) => {
    let asked = false
    const ask = (reason: string) => {
      if (asked) {
        process.stderr.write(`oms: ${reason} received while stopping; still stopping\n`)
        return
      }
      asked = true
      resolve(reason)
    }
    process.on('SIGINT', () => ask('SIGINT'))
    process.on('SIGTERM', () => ask('SIGTERM'))
    // Under `oms dev` the child has an IPC channel to its parent: stop when the parent goes.
    if (process.send) process.once('disconnect', () => ask('parent exited'))
  })
}

/** Runs `stop`; resolves true when it finished within `timeoutMs`, false otherwise. */
export async function stopWithin(
  stop: () => Promise<void>,
  timeoutMs = STOP_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  try {
    return await Promise.race([stop().then(() => true as const), timedOut])
  } finally {
    clearTimeout(timer)
  }
}
