/**
 * The bus port: publish events to every consumer function that listens to them, and (for
 * the runtime only) subscribe a consumer function's queue and manage parked messages.
 */
import type { Topic } from '../model/topic.ts'

export type Headers = Record<string, string>

/** Every event body carries its id, which travels as the message id. */
export interface EventEnvelope {
  eventId: string
}

/** An event to store with a write (the outbox): what `Publisher.event` makes. */
export interface StoredEvent {
  topic: string
  id: string
  body: string
  headers: Headers
}

/** What a function sees: publishing to topics only. */
export interface Publisher {
  publish<T extends EventEnvelope>(topic: Topic<T>, body: T, headers?: Headers): Promise<void>
  /**
   * The event, checked against its topic and carrying the current trace, to store with the
   * write that causes it (`{ events: [...] }` on a collection declared with an outbox): the
   * runtime publishes it once that write is in, whatever crashes in between.
   */
  event<T extends EventEnvelope>(topic: Topic<T>, body: T): StoredEvent
}

export interface Delivery {
  /** The message id (the event id); stable across redeliveries. */
  messageId: string
  event: string
  body: string
  headers: Headers
  /** 1 for the first delivery, 2 for the first retry, ... */
  attempt: number
  /**
   * Whether this message may have reached this consumer before: a retry, a message the broker
   * gives again (its consumer died or gave it back), a replay, or one its publisher may be
   * sending again (RESENT_HEADER). A first delivery of a first send is false.
   */
  redelivered: boolean
}

/**
 * Header a publisher sets on a message it may have sent before (the outbox relay, sending
 * events it read back from the store rather than those a write just handed it); deliveries of
 * it count as redelivered. Buses take it off before the consumer sees the headers.
 */
export const RESENT_HEADER = 'x-oms-resent'

/** Thrown by a handler for a message that can never succeed: it is parked at once. */
export class PoisonMessageError extends Error {
  override name = 'PoisonMessageError'
}

export interface SubscribeOptions {
  /** Queue owner: the consumer function's name. */
  consumer: string
  event: string
  /** Deliveries handled at once. */
  prefetch: number
  /** Delay before each retry; its length is the number of retries. */
  retryDelaysMs: readonly number[]
  /**
   * How long, in all, a message whose handler failed transiently (what it needs is
   * unavailable: UNAVAILABLE, a store that cannot be reached, RetryLater) waits and is tried
   * again before such failures count against `retryDelaysMs` (default 0: they count at once).
   */
  transientWaitMs?: number
  /** Told of each message this subscription parks (after it was parked). */
  onParked?(message: { id: string; error: string; tries: number }): void
}

export interface Subscription {
  /** Stops taking new deliveries and waits for the ones in flight. */
  close(): Promise<void>
}

/** What a watch of an event is told (see `Bus.watch`). */
export interface WatchHandlers {
  /** A message published to the event, as published (its body). */
  message(body: string): void
  /**
   * Messages may have been missed (the link to the broker was lost and is back): a view built
   * from the watched events reads its state again.
   */
  gap?(): void
}

export interface ParkedMessage {
  id: string
  consumer: string
  event: string
  body: string
  headers: Headers
  error: string
  tries: number
  parkedAt: string
}

/** What one consumer function's queue holds right now (the dashboard's queue table). */
export interface QueueStats {
  /** The consumer function that owns the queue. */
  consumer: string
  event: string
  /** Waiting to be delivered. */
  ready: number
  /** Delivered to this process's handlers and not settled yet. */
  inFlight: number
  /** Waiting out a retry delay (or a transient wait) before their next try. */
  retrying: number
  /** Parked: failed every try, or can never succeed. */
  parked: number
}

export interface Bus {
  readonly kind: string
  /** Publishes an event to every consumer of its topic (its id is the message id). */
  publish(event: string, body: EventEnvelope, headers?: Headers): Promise<void>
  /**
   * Publishes a body as given, unchecked (the outbox relay, replays, tooling and tests), with
   * this message id (default: a fresh one).
   */
  publishRaw(event: string, body: string, headers?: Headers, messageId?: string): Promise<void>
  subscribe(
    options: SubscribeOptions,
    handle: (delivery: Delivery) => Promise<void>,
  ): Promise<Subscription>
  /**
   * Watches every message published to the event from now on, beside its consumers: each
   * process watching gets each message once, at most (no retries, no parking, nothing kept
   * while it does not watch; on RabbitMQ a server-named exclusive queue of its own). What
   * live views (pushed to browsers) follow; their truth stays in the store.
   */
  watch(event: string, handlers: WatchHandlers): Promise<Subscription>
  /** Declares the queues of these consumers ahead of any publish, so nothing is dropped. */
  declare(consumers: readonly { consumer: string; event: string }[]): Promise<void>
  parked(consumer?: string): Promise<ParkedMessage[]>
  /** Sends parked messages back to their consumer's queue; returns how many. */
  replay(filter: { consumer?: string; id?: string }): Promise<number>
  /** The counts of every consumer queue declared or subscribed here, by consumer name. */
  stats(): Promise<QueueStats[]>
  health(): Promise<{ ok: boolean; detail?: string }>
  close(): Promise<void>
}
