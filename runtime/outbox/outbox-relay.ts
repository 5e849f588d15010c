/**
 * The outbox relay: publishes the events that domain writes stored in their documents (the
 * transactional outbox, see ports/documents.ts), with the bus's confirms, then clears them.
 * A change and its events are one single-document write, so an event exists exactly when its
 * change does; the relay makes it reach the bus at least once, whatever crashes in between.
 * A write made here hands its events over as it returns, so they are published and cleared
 * with no read (one store command per write: the clear); the collections are read for stored
 * events only at start, every `pollMs` (events left by a process that died, or by a failed
 * round) and after a failure, with a growing delay. Consumers deduplicate on the event id.
 */
import { crashPoint } from '../faults/crash-point.ts'
import { type Bus, RESENT_HEADER } from '../ports/bus.ts'
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

/** Events a write made in this process stored, as it gave them. */
export interface WrittenEvents {
  /** The source's name (`<namespace>.<collection>`). */
  source: string
  pending: PendingEvents
}

export interface OutboxRelay {
  /** Looks for stored events from now on (a poll, and wake-ups). */
  start(): void
  /** A write here stored events: publish them soon (those given without reading them). */
  wake(written?: WrittenEvents): void
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
  /** Whether the next round reads the collections (at start, on a poll, after a failure). */
  let scan = true
  /** Events written here and not yet published, as their writes gave them. */
  let written: { source: OutboxSource; pending: PendingEvents }[] = []
  const byName = new Map(sources.map((s) => [s.name, s]))

  /**
   * One document's events, in the order they were stored, then cleared. Events read back from
   * the store may have been sent before (by a process that died before clearing them, or a round
   * that failed): they say so, and their consumers check whether they handled them.
   */
  async function relay(source: OutboxSource, pending: PendingEvents, read: boolean): Promise<void> {
    crashPoint('outbox.before-publish')
    for (const e of pending.events) {
      const headers = read ? { ...e.headers, [RESENT_HEADER]: '1' } : (e.headers ?? {})
      await bus.publishRaw(e.topic, e.body, headers, e.id)
    }
    crashPoint('outbox.before-clear')
    await source.collection.clearEvents(pending.id, pending.events)
  }

  /** Publishes what was written here; then, when due, until every source is empty. */
  async function round(): Promise<void> {
    while (written.length > 0) {
      const batch = written
      written = []
      try {
        await Promise.all(batch.map((w) => relay(w.source, w.pending, false)))
      } catch (err) {
        // What this batch did not clear is still stored: the next read finds it.
        scan = true
        throw err
      }
    }
    if (!scan) return
    scan = false
    try {
      await readAll()
    } catch (err) {
      scan = true
      throw err
    }
  }

  /** Publishes until every source is empty (documents of one read concurrently). */
  async function readAll(): Promise<void> {
    for (const source of sources) {
      for (;;) {
        const pending = await source.collection.pendingEvents(batch)
        if (pending.length === 0) break
        await Promise.all(pending.map((p) => relay(source, p, true)))
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
      poll = setInterval(() => {
        scan = true
        kick()
      }, pollMs)
      poll.unref()
      kick()
    },
    wake(events) {
      const source = events && byName.get(events.source)
      if (source && events.pending.events.length > 0)
        written.push({ source, pending: events.pending })
      else if (events) scan = true
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
    drain() {
      scan = true
      return run()
    },
    async stop() {
      stopped = true
      clearInterval(poll)
      clearTimeout(retry)
      retry = undefined
      scan = true
      await run().catch((err: unknown) =>
        log.warn(
          { err },
          'outbox relay stopped with events still stored; the next start sends them',
        ),
      )
    },
  }
}
