/**
 * The call being answered, wherever its work goes: a handler's store operations, publishes,
 * gRPC calls and forwards find it here, so a function's context (made once per function) serves
 * every call with that call's deadline and signal. An AsyncLocalStorage carries it across awaits,
 * timers and callbacks, as OpenTelemetry carries the trace.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import type { Call } from './call.ts'

const scope = new AsyncLocalStorage<Call>()

/** The call whose work is running now, if any. */
export function activeCall(): Call | undefined {
  return scope.getStore()
}

/** Runs `work` as part of `call`. */
export function inCall<A extends unknown[], R>(call: Call, work: (...args: A) => R, ...args: A): R {
  return scope.run(call, work, ...args)
}

/**
 * Runs `work` as part of no call: for what serves several calls at once (a write batched for
 * all the operations finishing together), which no one caller giving up may stop.
 */
export function outsideCalls<R>(work: () => R): R {
  return scope.exit(work)
}

/**
 * Rejects at once when the active call was given up; undefined while it goes on. (A passed
 * deadline counts once swept: at most SWEEP_MS late, and no clock read per operation.)
 */
export function refusedByCall(): Promise<never> | undefined {
  const call = scope.getStore()
  return call?.givenUp ? Promise.reject(call.reason) : undefined
}
