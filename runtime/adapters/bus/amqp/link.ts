/**
 * One recovering connection to RabbitMQ (amqplib's opt-in recovery): reconnects with backoff
 * after a broker restart or a dropped connection, runs the bus's setup on every (re)connect,
 * and hands out the current confirm channel — waiting, up to a bound, while disconnected.
 * Opening it does not wait for the first connection (see openLink).
 */
import {
  type ChannelModel,
  type ConfirmChannel,
  connect,
  type RecoveringChannelModel,
} from 'amqplib'
import { DomainError } from '../../../../shared/errors.ts'
import type { Logger } from '../../../ports/logger.ts'
import { coalesceWrites } from './coalesce-writes.ts'

export interface LinkOptions {
  url: string
  /** Shown in the broker's connection list (rabbitmqctl list_connections name). */
  connectionName: string
  /** Run after every (re)connect, before publishers are released. */
  setup: (model: ChannelModel) => Promise<void>
  log: Logger
  /** Connection attempts at start before giving up with an error naming AMQP_URL (default 8). */
  initialMaxRetries?: number
  /** Heartbeat in seconds, so a dead peer is noticed quickly (default 5). */
  heartbeatSeconds?: number
}

export interface Link {
  readonly connected: boolean
  /** Why the first connection could not be made (then nothing waits for one any more). */
  readonly failed: Error | undefined
  /** The first connection is still being made. */
  readonly connecting: boolean
  /** The confirm channel if there is one right now (no waiting). */
  readonly currentPublisher: ConfirmChannel | undefined
  /** The current model, waiting for a connection until `deadline` (ms epoch). */
  model(deadline: number): Promise<ChannelModel>
  /** The current confirm channel, waiting for one until `deadline` (ms epoch). */
  publisher(deadline: number): Promise<ConfirmChannel>
  close(): Promise<void>
}

/** The URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'an unparseable URL'
  }
}

function withHeartbeat(url: string, seconds: number): string {
  const u = new URL(url)
  if (!u.searchParams.has('heartbeat')) u.searchParams.set('heartbeat', String(seconds))
  return u.toString()
}

export function openLink(options: LinkOptions): Link {
  const { log } = options
  let current: ChannelModel | undefined
  let closing = false
  let publisher: ConfirmChannel | undefined
  let wake: () => void = () => {}
  let woken = new Promise<void>((resolve) => (wake = resolve))
  const signal = () => {
    wake()
    woken = new Promise<void>((resolve) => (wake = resolve))
  }

  const openPublisher = async (model: ChannelModel) => {
    const ch = await model.createConfirmChannel()
    ch.on('error', (err: Error) => log.warn({ err: err.message }, 'publisher channel error'))
    ch.on('close', () => {
      if (publisher !== ch) return
      publisher = undefined
      // A channel-level error with the connection still alive: open another. (When the whole
      // connection went, 'disconnect' clears `current` meanwhile and setup opens a new one.)
      setTimeout(() => {
        if (current !== model || closing || publisher) return
        openPublisher(model).catch((err: unknown) =>
          log.warn({ err }, 'reopening publisher failed'),
        )
      }, 100)
    })
    publisher = ch
    signal()
  }

  // The first connection is made in the background: the process prepares and opens its
  // servers meanwhile, and whatever needs the broker waits for it (model, publisher). When it
  // cannot be made (initialMaxRetries attempts), every waiter gets the error naming AMQP_URL.
  let failed: Error | undefined
  let first = true
  const connecting = connect(withHeartbeat(options.url, options.heartbeatSeconds ?? 5), {
    // Small AMQP frames must not wait behind Nagle and the broker's delayed ACK (~40 ms each).
    noDelay: true,
    clientProperties: { connection_name: options.connectionName },
    recovery: {
      initialDelay: 200,
      maxDelay: 5000,
      maxRetries: Number.POSITIVE_INFINITY,
      initialMaxRetries: options.initialMaxRetries ?? 8,
      setup: async (model: ChannelModel) => {
        if (!coalesceWrites(model))
          log.warn('amqplib internals changed: each AMQP frame is sent with its own write')
        await options.setup(model)
        current = model
        await openPublisher(model)
      },
    },
  }).then(
    (connection: RecoveringChannelModel) => {
      first = false
      // Closed while it was being made: closed now.
      if (closing) void connection.close().catch(() => {})
      connection.on('disconnect', (err: Error) => {
        current = undefined
        publisher = undefined
        log.warn({ err: err.message }, 'lost the broker connection; reconnecting')
      })
      connection.on('connect', () => log.info('connected to the broker'))
      connection.on(
        'reconnect-scheduled',
        ({ attempt, delay }: { attempt: number; delay: number }) =>
          log.info({ attempt, delayMs: delay }, 'reconnecting to the broker'),
      )
      connection.on('error', (err: Error) =>
        log.warn({ err: err.message }, 'broker connection error'),
      )
      return connection
    },
    (err: unknown) => {
      first = false
      failed = new Error(
        `AMQP_URL: cannot connect to RabbitMQ at ${redact(options.url)}: ${err instanceof Error ? err.message : String(err)}`,
      )
      signal()
      return undefined
    },
  )

  const waitFor = async <T>(
    get: () => T | undefined,
    deadline: number,
    what: string,
  ): Promise<T> => {
    for (;;) {
      const value = get()
      if (value) return value
      if (failed) throw failed
      const left = deadline - Date.now()
      if (left <= 0)
        throw new DomainError(
          'UNAVAILABLE',
          first
            ? `the message broker is unreachable: no connection yet to ${redact(options.url)} (AMQP_URL), still trying`
            : `the message broker is unreachable (waited for ${what})`,
        )
      await Promise.race([
        woken,
        new Promise((resolve) => setTimeout(resolve, Math.min(left, 250))),
      ])
    }
  }

  return {
    get connected() {
      return current !== undefined
    },
    get currentPublisher() {
      return publisher
    },
    model: (deadline) => waitFor(() => current, deadline, 'a connection'),
    publisher: (deadline) => waitFor(() => publisher, deadline, 'a publisher channel'),
    get failed() {
      return failed
    },
    get connecting() {
      return first
    },
    async close() {
      closing = true
      // Still being made: it is closed once made (see above); nothing to wait for.
      if (first) return
      await (await connecting)?.close()
    },
  }
}
