/**
 * Live events: what a function pushes to browsers as it happens (server-sent events, a
 * WebSocket). One watch of the bus per topic and process (`Bus.watch`), shared by every
 * listener here; each body is checked against its topic, and listeners run outside any call, so
 * the request that opened a stream long ago does not limit the work its later events cause.
 * At most once: a listener told of a gap (the broker was away) reads its state again, as one
 * that starts does. Closing the hub (the process stops) ends every listener, so open streams
 * end and their clients reconnect elsewhere.
 */

import { outsideCalls } from '../model/call-scope.ts'
import type { Topic } from '../model/topic.ts'
import type { Bus, Subscription } from '../ports/bus.ts'
import type { Logger } from '../ports/logger.ts'

export interface LiveListener<T> {
  /** An event of the topic, as published anywhere. */
  event(body: T): void
  /** Events may have been missed: read the state again. */
  gap?(): void
  /** No more events will come (the process is stopping): end the stream. */
  end?(): void
}

export interface LiveEvents {
  /**
   * Listens to the topic's events from now on; resolves once it does (read the state after
   * that, so nothing falls between). The function returned stops listening.
   */
  watch<T>(topic: Topic<T>, listener: LiveListener<T>): Promise<() => void>
}

export interface LiveEventsHub extends LiveEvents {
  /** Listeners now, by topic (for tests and the dashboard). */
  listeners(topic: string): number
  /** Ends every listener and every watch of the bus; later watches end at once. */
  close(): Promise<void>
}

interface TopicWatch {
  listeners: Set<LiveListener<never>>
  watching: Promise<Subscription>
}

export function liveEvents(bus: Bus, log: Logger): LiveEventsHub {
  const topics = new Map<string, TopicWatch>()
  let closed = false

  const each = (name: string, tell: (l: LiveListener<never>) => void) => {
    for (const listener of topics.get(name)?.listeners ?? []) {
      try {
        outsideCalls(() => tell(listener))
      } catch (err) {
        log.warn({ err, topic: name }, 'a live listener failed')
      }
    }
  }

  const open = <T>(topic: Topic<T>): TopicWatch => {
    let watch = topics.get(topic.name)
    if (watch) return watch
    const listeners = new Set<LiveListener<never>>()
    const watching = bus.watch(topic.name, {
      message(body) {
        let event: T
        try {
          const parsed = topic.schema.safeParse(JSON.parse(body))
          if (!parsed.success) throw new Error(parsed.error.message)
          event = parsed.data
        } catch (err) {
          return log.warn({ err, topic: topic.name }, 'a live event was not valid; skipped')
        }
        each(topic.name, (l) => (l as LiveListener<T>).event(event))
      },
      gap: () => each(topic.name, (l) => l.gap?.()),
    })
    watch = { listeners, watching }
    topics.set(topic.name, watch)
    // A watch the bus refused is tried again by the next listener.
    watching.catch(() => topics.delete(topic.name))
    return watch
  }

  return {
    async watch(topic, listener) {
      if (closed) {
        listener.end?.()
        return () => {}
      }
      const watch = open(topic)
      await watch.watching
      const entry = listener as LiveListener<never>
      watch.listeners.add(entry)
      return () => void watch.listeners.delete(entry)
    },
    listeners: (name) => topics.get(name)?.listeners.size ?? 0,
    async close() {
      if (closed) return
      closed = true
      for (const [name, watch] of topics) {
        each(name, (l) => l.end?.())
        watch.listeners.clear()
      }
      const watches = [...topics.values()]
      topics.clear()
      await Promise.allSettled(watches.map(async (w) => (await w.watching).close()))
    },
  }
}
