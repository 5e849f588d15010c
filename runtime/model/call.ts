/**
 * One call a handler answers — an HTTP request, a gRPC call, a delivery, a job, a scheduled
 * run — with what grpc-js and Go's context give a call: a deadline (the caller's remaining time)
 * and an abort signal. A call is given up when its caller stops waiting (the client went away,
 * the gRPC call was cancelled), when its deadline passes, or when the process stops and its drain
 * grace ran out; from then on the store, the bus and the clients refuse its work at once.
 *
 * Cheap by construction (the request path makes one per request): the signal's AbortController
 * is made only when someone asks for the signal, and the deadline is compared with the clock at
 * each check; a sweep (calls-in-flight.ts) aborts the signal of a call whose deadline passed.
 */
import { DomainError } from '../../shared/errors.ts'

/** Why a call was given up. */
export type AbortCause = 'cancelled' | 'deadline' | 'stopping'

const CAUSE = Symbol('oms.abort-cause')

function made(cause: AbortCause): DomainError {
  switch (cause) {
    case 'cancelled':
      return new DomainError('CANCELLED', 'the caller stopped waiting for the answer')
    case 'deadline':
      return new DomainError('DEADLINE_EXCEEDED', 'the deadline of the call passed')
    case 'stopping':
      return new DomainError('UNAVAILABLE', 'the process is stopping; try again')
  }
}

/** The error a given-up call's work fails with, by cause (its `reason`). */
export function abortError(cause: AbortCause): DomainError {
  return Object.assign(made(cause), { [CAUSE]: cause })
}

/** Why the call whose reason `err` is was given up; undefined for any other error. */
export function abortCauseOf(err: unknown): AbortCause | undefined {
  return typeof err === 'object' && err !== null
    ? (err as { [CAUSE]?: AbortCause })[CAUSE]
    : undefined
}

/** A signal that is never aborted (work outside any call, before the process stops). */
const NEVER = new AbortController().signal

/** What few calls need: more abort hooks, end hooks, the unhooking from a parent. */
interface Rare {
  hooks?: Set<(reason: DomainError) => void>
  ends?: (() => void)[]
  unlink?: () => void
}

export class Call {
  #reason: DomainError | undefined = undefined
  #controller: AbortController | undefined = undefined
  /** What runs when it is given up: most calls have one, so one slot, then `#rare.hooks`. */
  #hook: ((reason: DomainError) => void) | undefined = undefined
  #rare: Rare | undefined = undefined
  #ended = false
  /** The id of the HTTP request it answers, for the log lines written meanwhile. */
  requestId: string | undefined = undefined
  /** Its neighbours in its tracker's list of open calls (calls-in-flight.ts). */
  prev: Call | undefined = undefined
  next: Call | undefined = undefined

  constructor(
    /** When the answer is due, epoch ms; Infinity: no deadline. */
    readonly deadline: number,
    /** Told when the call ends (its tracker forgets it). */
    private readonly forget?: (call: Call) => void,
  ) {}

  /** Whether the call was given up (or its deadline passed). */
  get aborted(): boolean {
    if (this.#reason !== undefined) return true
    if (this.deadline !== Infinity && Date.now() >= this.deadline) {
      this.abort('deadline')
      return this.#reason !== undefined
    }
    return false
  }

  /**
   * Whether it was given up, without reading the clock: a passed deadline shows here once swept
   * (at most SWEEP_MS late) — the check every store operation makes, as cheap as a field.
   */
  get givenUp(): boolean {
    return this.#reason !== undefined
  }

  /** Why it was given up, once it was. */
  get cause(): AbortCause | undefined {
    return this.aborted ? abortCauseOf(this.#reason) : undefined
  }

  /** The error its work fails with once it was given up. */
  get reason(): DomainError | undefined {
    return this.aborted ? this.#reason : undefined
  }

  /** Aborted when the call is given up; its reason is the call's `reason`. */
  get signal(): AbortSignal {
    if (this.#ended && this.#controller === undefined) return NEVER
    if (this.#controller === undefined) {
      this.#controller = new AbortController()
      if (this.aborted) this.#controller.abort(this.#reason)
    }
    return this.#controller.signal
  }

  /** Milliseconds left before the deadline (Infinity without one, 0 once passed). */
  remainingMs(now = Date.now()): number {
    return this.deadline === Infinity ? Infinity : Math.max(0, this.deadline - now)
  }

  /** Throws the reason when the call was given up. */
  check(): void {
    if (this.aborted) throw this.#reason
  }

  /** Gives the call up (once; a call that ended stays as it was). */
  abort(cause: AbortCause): void {
    if (this.#reason !== undefined || this.#ended) return
    const reason = abortError(cause)
    this.#reason = reason
    this.#controller?.abort(reason)
    this.#hook?.(reason)
    const hooks = this.#rare?.hooks
    if (hooks) for (const hook of [...hooks]) hook(reason)
  }

  /** Runs `hook` when the call is given up (at once if it was). */
  onAbort(hook: (reason: DomainError) => void): void {
    if (this.aborted) {
      hook(this.#reason as DomainError)
      return
    }
    if (this.#hook === undefined) {
      this.#hook = hook
      return
    }
    this.#rare ??= {}
    this.#rare.hooks ??= new Set()
    this.#rare.hooks.add(hook)
  }

  /** No longer runs `hook` when the call is given up. */
  offAbort(hook: (reason: DomainError) => void): void {
    if (this.#hook === hook) this.#hook = undefined
    else this.#rare?.hooks?.delete(hook)
  }

  /**
   * A call for work done on this one's behalf with a deadline of its own (e.g. a client's
   * timeout): the earlier of the two, given up with this one. This very call when its own
   * deadline is not later.
   */
  within(deadline: number, forget?: (call: Call) => void): Call {
    if (deadline >= this.deadline) return this
    const child = new Call(deadline, forget)
    child.requestId = this.requestId
    const propagate = () => child.abort(this.cause ?? 'cancelled')
    this.onAbort(propagate)
    child.#rare = { unlink: () => this.offAbort(propagate) }
    return child
  }

  /** Runs `done` when the call ends (at once if it has). */
  onEnd(done: () => void): void {
    if (this.#ended) {
      done()
      return
    }
    this.#rare ??= {}
    this.#rare.ends ??= []
    this.#rare.ends.push(done)
  }

  /** The work is over: later aborts change nothing, and its tracker forgets it. */
  end(): void {
    if (this.#ended) return
    this.#ended = true
    this.#hook = undefined
    this.forget?.(this)
    const rare = this.#rare
    if (rare === undefined) return
    rare.hooks = undefined
    rare.unlink?.()
    if (rare.ends) for (const done of rare.ends) done()
  }

  get ended(): boolean {
    return this.#ended
  }
}

/** The signal of work outside any call. */
export const NO_CALL_SIGNAL = NEVER
