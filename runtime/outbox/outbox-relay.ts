/**
 * The outbox relay: publishes the events that domain writes stored in their documents (the
 * transactional outbox, see ports/documents.ts), with the bus's confirms, then clears them.
 * A change and its events are one single-document write, so an event exists exactly when its
 * change does; the relay makes it reach the bus at least once, whatever crashes in between.
 * A write made here hands its events over at once (`stored`), so they go out as soon as the
 * write is in, each document on its own; the poll (every `pollMs`, and after a failure with a
 * growing delay) sends what is left: events of a process that died, or that failed to go out.
 * Consumers deduplicate on the event id.
 */
import { crashPoint } from '../faults/crash-point.ts'
import type { Bus } from '../ports/bus.ts'
import type { Collection, Doc, OutgoingEvent, PendingEvents } from '../ports/documents.ts'
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

/** What a write stored: its document's events, in its collection. */
export interface StoredWrite {
  /** The source's name, `<namespace>.<collection>`. */
  source: string
  id: string
  events: readonly OutgoingEvent[]
}

export interface OutboxRelay {
  /** Looks for stored events from now on (a poll, and hand-overs). */
  start(): void
  /** A write here stored these events: publish them now. */
  stored(write: StoredWrite): void
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
  const byName = new Map(sources.map((s) => [s.name, s]))
  /** Documents whose events are being sent now (`<source>/<id>`): the poll leaves them alone. */
  const sending = new Map<string, Promise<void>>()
  /** Hand-overs still being sent, so drain and stop wait for them. */
  let handedOver: Promise<void>[] = []

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

  /** Sends a document's events unless they are being sent already. */
  function send(source: OutboxSource, pending: PendingEvents): Promise<void> | undefined {
    const key = `${source.name}/${pending.id}`
    if (sending.has(key)) return undefined
    const sent = relay(source, pending).finally(() => sending.delete(key))
    sending.set(key, sent)
    return sent
  }

  /** Publishes until every source is empty (documents of one round concurrently). */
  async function round(): Promise<void> {
    for (const source of sources) {
      for (;;) {
        const pending = await source.collection.pendingEvents(batch)
        const sends = pending.map((p) => send(source, p))
        // Documents being sent by a hand-over: wait for those, they are cleared after.
        await Promise.all(pending.map((p, i) => sends[i] ?? sending.get(`${source.name}/${p.id}`)))
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
    stored({ source: name, id, events }) {
      const source = byName.get(name)
      if (stopped || !source || events.length === 0) return
      const sent = send(source, { id, events: [...events] })
      if (!sent) {
        // Its earlier events are going out now; these are stored too: the poll sends them.
        kick()
        return
      }
      const settled = sent.catch((err: unknown) => {
        // Stored, not sent: the poll tries again.
        if (!failing) log.warn({ err }, 'outbox relay could not publish; will retry')
        failing = true
        kick()
      })
      handedOver.push(settled)
      void settled.then(() => {
        handedOver = handedOver.filter((p) => p !== settled)
      })
    },
    start() {
      if (!stopped || sources.length === 0) return
      stopped = false
      poll = setInterval(kick, pollMs)
      poll.unref()
      kick()
    },
    async drain() {
      await Promise.all(handedOver)
      await run()
    },
    async stop() {
      stopped = true
      clearInterval(poll)
      clearTimeout(retry)
      retry = undefined
      await Promise.all(handedOver)
      await run().catch((err: unknown) =>
        log.warn(
          { err },
          'outbox relay stopped with events still stored; the next start sends them',
        ),
      )
    },
  }
}
