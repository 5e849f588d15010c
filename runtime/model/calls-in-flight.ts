/**
 * The calls one binding is answering: how many (what its in-flight limit compares with), a
 * wait until none is left (the drain of a graceful stop), and giving them all up (once the
 * drain's grace ran out). Every call with a deadline is also swept, every SWEEP_MS, so that
 * the signal of a call whose deadline passed is aborted even while nothing checks it.
 */
import { type AbortCause, Call } from './call.ts'

/** How often deadlines are swept: a signal aborts at most this late after its deadline. */
export const SWEEP_MS = 25

/**
 * The open calls of one binding: a list through the calls themselves (adding and removing one
 * allocates nothing and hashes nothing, on every request).
 */
class OpenCalls {
  head: Call | undefined = undefined
  size = 0

  add(call: Call): void {
    call.next = this.head
    if (this.head) this.head.prev = call
    this.head = call
    this.size++
  }

  delete(call: Call): void {
    if (call.prev) call.prev.next = call.next
    else if (this.head === call) this.head = call.next
    else return
    if (call.next) call.next.prev = call.prev
    call.prev = undefined
    call.next = undefined
    this.size--
  }

  all(): Call[] {
    const calls: Call[] = []
    for (let call = this.head; call; call = call.next) calls.push(call)
    return calls
  }
}

/** The open calls of every binding, and the calls made on their behalf. */
const sweeping = new Set<OpenCalls>()
const children = new OpenCalls()
sweeping.add(children)
let sweeper: NodeJS.Timeout | undefined

function sweep(): void {
  const now = Date.now()
  let open = 0
  for (const calls of sweeping) {
    open += calls.size
    for (const call of calls.all()) if (call.deadline <= now) call.abort('deadline')
  }
  if (open === 0) {
    clearInterval(sweeper)
    sweeper = undefined
  }
}

/** Sweeps the deadlines while calls are open (a waiting sweep never keeps the process alive). */
function sweepSoon(): void {
  sweeper ??= setInterval(sweep, SWEEP_MS).unref()
}

const forget = (call: Call) => {
  children.delete(call)
}

export interface CallsInFlight {
  /** Calls open now. */
  readonly size: number
  /** Opens a call due at `deadline` (epoch ms, Infinity: none), counted until it ends. */
  open(deadline: number): Call
  /** Resolves true once no call is open, or false after `ms`. */
  drained(ms: number): Promise<boolean>
  /** Gives up every open call. */
  abortAll(cause: AbortCause): void
}

export function callsInFlight(): CallsInFlight {
  const open = new OpenCalls()
  const waiting = new Set<() => void>()
  // Swept for as long as the binding lives (an empty set costs the sweep nothing).
  sweeping.add(open)
  const ended = (call: Call) => {
    open.delete(call)
    if (open.size === 0 && waiting.size > 0) for (const done of [...waiting]) done()
  }
  return {
    get size() {
      return open.size
    },
    open(deadline) {
      const call = new Call(deadline, ended)
      open.add(call)
      if (deadline !== Infinity) sweepSoon()
      return call
    },
    drained(ms) {
      if (open.size === 0) return Promise.resolve(true)
      return new Promise<boolean>((resolve) => {
        const settle = (drained: boolean) => {
          clearTimeout(timer)
          waiting.delete(done)
          resolve(drained)
        }
        const done = () => settle(true)
        const timer = setTimeout(() => settle(false), ms)
        waiting.add(done)
      })
    },
    abortAll(cause) {
      for (const call of open.all()) call.abort(cause)
    },
  }
}

/** A call on behalf of `parent` with its own deadline (e.g. a client's timeout), swept too. */
export function callWithin(parent: Call, deadline: number): Call {
  const child = parent.within(deadline, forget)
  if (child !== parent) {
    children.add(child)
    sweepSoon()
  }
  return child
}
