/**
 * The outbox relay: publishes the events that domain writes stored in their documents (the
 * transactional outbox, see ports/documents.ts), with the bus's confirms, then clears them.
 * A change and its events are one single-document write, so an event exists exactly when its
 * change does; the relay makes it reach the bus at least once, whatever crashes in between:
 * it runs when a write here stored events, every `pollMs` (events left by a process that
 * died), and after a failure with a growing delay. Consumers deduplicate on the event id.
 */
import { crashPoint } from '../faults/crash-point.ts'
import type { Bus } from '../ports/bus.ts'
import type { Collection, Doc, PendingEvents } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'

export interface OutboxSource {
  /** `<namespace>.<collection>`, for logs. */
  name: string
  collection: Collection<Doc>
}

export interface OutboxRelayOptions {
  sources: readonly OutboxSource[]
  bus: Pick<Bus, 'publishRaw'>
  log: Logger
  /** How often stored events are looked for without a wake-up (default 1 s). */
  pollMs?: number
  /** First delay after a failed round, doubled up to maxRetryMs (default 200 ms). */
  retryMs?: number
  maxRetryMs?: number
  /** Documents read per round and collection (default 100). */
  batch?: number
}

export interface OutboxRelay {
  /** Looks for stored events from now on (a poll, and wake-ups). */
  start(): void
  /** A write here stored events: publish them soon. */
  wake(): void
  /** Publishes everything stored now; rejects when a round fails. */
  drain(): Promise<void>
  /** Stops looking, after a last round (best effort). */
  stop(): Promise<void>
}

export function outboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { sources, bus, log, pollMs = 1000, retryMs = 200, maxRetryMs = 30_000 } = options
  const batch = options.batch ?? 100
  let running: Promise<void> | undefined
  let again = false
  let poll: NodeJS.Timeout | undefined
  let retry: NodeJS.Timeout | undefined
  let delay = retryMs
  let failing = false
  let stopped = true
  let scheduled = false

  /** One document's events, in the order they were stored, then cleared. */
  async function relay(source: OutboxSource, pending: PendingEvents): Promise<void> {
    crashPoint('outbox.before-publish')
    for (const e of pending.events) await bus.publishRaw(e.topic, e.body, e.headers ?? {}, e.id)
    crashPoint('outbox.before-clear')
    await source.collection.clearEvents(
      pending.id,
      pending.events.map((e) => e.id),
    )
  }

  /** Publishes until every source is empty (documents of one round concurrently). */
  async function round(): Promise<void> {
    for (const source of sources) {
      for (;;) {
        const pending = await source.collection.pendingEvents(batch)
        if (pending.length === 0) break
        await Promise.all(pending.map((p) => relay(source, p)))
        if (pending.length < batch) break
      }
    }
  }

  function run(): Promise<void> {
    if (running) {
      again = true
      return running
    }
    running = (async () => {
      try {
        do {
          again = false
          await round()
        } while (again)
        if (failing) log.info('outbox relay publishing again')
        failing = false
        delay = retryMs
      } finally {
        running = undefined
      }
    })()
    return running
  }

  function kick(): void {
    if (stopped || retry) return
    run().catch((err: unknown) => {
      if (!failing) log.warn({ err }, 'outbox relay could not publish; will retry')
      failing = true
      if (stopped) return
      retry = setTimeout(() => {
        retry = undefined
        kick()
      }, delay)
      retry.unref()
      delay = Math.min(delay * 2, maxRetryMs)
    })
  }

  return {
    start() {
      if (!stopped || sources.length === 0) return
      stopped = false
      poll = setInterval(kick, pollMs)
      poll.unref()
      kick()
    },
    wake() {
      if (stopped) return
      // After the write's caller has gone on: one round serves every write of this turn.
      if (running) again = true
      else if (!scheduled) {
        scheduled = true
        setImmediate(() => {
          scheduled = false
          kick()
        })
      }
    },
    drain: run,
    async stop() {
      stopped = true
      clearInterval(poll)
      clearTimeout(retry)
      retry = undefined
      await run().catch((err: unknown) =>
        log.warn(
          { err },
          'outbox relay stopped with events still stored; the next start sends them',
        ),
      )
    },
  }
}
