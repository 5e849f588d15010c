/**
 * The bus on RabbitMQ (used when AMQP_URL is set). Topology is declared idempotently on every
 * (re)connect; every publish is persistent and waits for the broker's confirm; a publish made
 * while the broker is away waits for the reconnect, up to PUBLISH_TIMEOUT_MS, then fails with
 * UNAVAILABLE. Consumers come back by themselves after a reconnect. See topology.ts for names.
 */
import { randomUUID } from 'node:crypto'
import type { Channel, ChannelModel, Options } from 'amqplib'
import { type Bus, type ParkedMessage, type QueueStats, RESENT_HEADER } from '../../../ports/bus.ts'
import type { Logger } from '../../../ports/logger.ts'
import { confirmPublish } from './confirm-publish.ts'
import { type Consumer, createConsumer } from './consumer.ts'
import { ATTEMPT, ERROR, EVENT, FUNCTION, PARKED_AT, TRIES } from './headers.ts'
import { openLink } from './link.ts'
import { describeParked, takeAll } from './parked.ts'
import { declareConsumer, declareExchange, topology } from './topology.ts'
import { createWatch, type Watch } from './watch.ts'

export interface AmqpBusOptions {
  url: string
  /** Prefix of every exchange and queue (default 'oms'). */
  namespace?: string
  /** Retry tiers declared for consumers that do not say otherwise. */
  retryDelaysMs: readonly number[]
  /** How long a publish waits for the broker before failing (default 15 s). */
  publishTimeoutMs?: number
  log: Logger
  /** Name of this connection on the broker (default: namespace and pid). */
  connectionName?: string
}

const CONTENT_TYPE = 'application/json'

/** Whether `headers` has any key: amqplib makes the headers object the prototype of a new one
 * on every publish (a costly V8 transition), so empty headers are better left out. */
function hasKeys(headers: Record<string, unknown>): boolean {
  for (const _ in headers) return true
  return false
}

/** How long a health check waits for the first connection (within HEALTH_TIMEOUT_MS). */
const FIRST_CONNECTION_WAIT_MS = 1500

export async function amqpBus(options: AmqpBusOptions): Promise<Bus> {
  const { log, retryDelaysMs, namespace = 'oms', publishTimeoutMs = 15_000 } = options
  const names = topology(namespace)
  const declared = new Map<
    string,
    { consumer: string; event: string; retryDelaysMs: readonly number[] }
  >()
  const consumers = new Set<Consumer>()
  const watches = new Set<Watch>()
  /** Exchanges declared on the broker: every topic published or consumed so far. */
  const exchanges = new Set<string>()

  /**
   * Every exchange, and each consumer's queues, on a channel of its own, all at once: a channel
   * has one declaration in flight at a time (a round trip each), channels do not wait for each
   * other. The first failure is thrown once all have settled.
   */
  const declareAll = async (model: ChannelModel) => {
    const onChannel = async (work: (ch: Channel) => Promise<void>) => {
      const ch = await model.createChannel()
      try {
        await work(ch)
      } finally {
        await ch.close().catch(() => {})
      }
    }
    const settled = await Promise.allSettled([
      onChannel(async (ch) => {
        for (const event of exchanges) await declareExchange(ch, names, event)
      }),
      ...[...declared.values()].map((c) =>
        onChannel((ch) => declareConsumer(ch, names, c, c.retryDelaysMs)),
      ),
    ])
    for (const result of settled) if (result.status === 'rejected') throw result.reason
  }

  const link = openLink({
    url: options.url,
    connectionName: options.connectionName ?? `${namespace}:${process.pid}`,
    log,
    setup: async (model) => {
      await declareAll(model)
      for (const consumer of consumers) await consumer.start(model)
      for (const watch of watches) await watch.start(model)
    },
  })

  const deadline = () => Date.now() + publishTimeoutMs

  /** Declares a topic's exchange the first time it is published to (publishing to an exchange
   * that does not exist would close the channel). */
  const ensureExchange = async (event: string) => {
    const ch = await (await link.model(deadline())).createChannel()
    try {
      await declareExchange(ch, names, event)
      exchanges.add(event)
    } finally {
      await ch.close().catch(() => {})
    }
  }
  /** Publishes with a confirm; on a lost channel, waits for the next one and publishes again. */
  const send = async (
    exchange: string,
    routingKey: string,
    content: Buffer,
    headers: Record<string, unknown>,
    messageId: string,
  ) => {
    const props: Options.Publish = { persistent: true, contentType: CONTENT_TYPE, messageId }
    if (hasKeys(headers)) props.headers = headers
    const until = deadline()
    for (;;) {
      const ch = link.currentPublisher ?? (await link.publisher(until))
      try {
        return await confirmPublish(ch, exchange, routingKey, content, props)
      } catch (err) {
        if (Date.now() >= until) throw err
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
  }

  const bus: Bus = {
    kind: 'rabbitmq',
    async publish(event, body, headers = {}) {
      if (!exchanges.has(event)) await ensureExchange(event)
      await send(
        names.exchange(event),
        '',
        Buffer.from(JSON.stringify(body)),
        headers,
        body.eventId,
      )
    },
    async publishRaw(event, body, headers = {}, messageId = randomUUID()) {
      if (!exchanges.has(event)) await ensureExchange(event)
      await send(names.exchange(event), '', Buffer.from(body), headers, messageId)
    },
    async declare(list) {
      for (const c of list) exchanges.add(c.event)
      for (const c of list)
        declared.set(c.consumer, {
          ...c,
          retryDelaysMs: declared.get(c.consumer)?.retryDelaysMs ?? retryDelaysMs,
        })
      await declareAll(await link.model(deadline()))
    },
    async subscribe(subscribeOptions, handle) {
      declared.set(subscribeOptions.consumer, { ...subscribeOptions })
      exchanges.add(subscribeOptions.event)
      const consumer = createConsumer(subscribeOptions, handle, {
        names,
        log: log.child({ consumer: subscribeOptions.consumer }),
        send: (queue, content, headers, messageId) =>
          send('', queue, content, headers, messageId ?? randomUUID()),
      })
      consumers.add(consumer)
      const model = await link.model(deadline())
      const ch = await model.createChannel()
      try {
        await declareConsumer(ch, names, subscribeOptions, subscribeOptions.retryDelaysMs)
      } finally {
        await ch.close().catch(() => {})
      }
      await consumer.start(model)
      return {
        async close() {
          consumers.delete(consumer)
          await consumer.stop()
        },
      }
    },
    async watch(event, handlers) {
      exchanges.add(event)
      const watch = createWatch(event, handlers, names)
      watches.add(watch)
      await watch.start(await link.model(deadline()))
      return {
        async close() {
          watches.delete(watch)
          await watch.stop()
        },
      }
    },
    async parked(consumer) {
      const model = await link.model(deadline())
      const ch = await model.createChannel()
      const found: ParkedMessage[] = []
      try {
        for (const name of consumer ? [consumer] : [...declared.keys()]) {
          await ch.assertQueue(names.parkedQueue(name), { durable: true })
          for (const msg of await takeAll(ch, names.parkedQueue(name))) {
            const parked = describeParked(msg, name)
            if (parked) found.push(parked)
          }
        }
      } finally {
        await ch.close().catch(() => {})
      }
      return found.sort((a, b) => a.parkedAt.localeCompare(b.parkedAt))
    },
    async replay({ consumer, id }) {
      const model = await link.model(deadline())
      const ch = await model.createChannel()
      let count = 0
      try {
        for (const name of consumer ? [consumer] : [...declared.keys()]) {
          await ch.assertQueue(names.parkedQueue(name), { durable: true })
          for (const msg of await takeAll(ch, names.parkedQueue(name))) {
            const messageId = String(msg.properties.messageId ?? '')
            if (id && messageId !== id) continue
            const headers = { ...(msg.properties.headers as Record<string, unknown>) }
            for (const key of [ERROR, FUNCTION, EVENT, TRIES, PARKED_AT]) delete headers[key]
            headers[ATTEMPT] = 1
            // It was delivered before: its consumer checks whether it was handled.
            headers[RESENT_HEADER] = 1
            await send('', names.queue(name), msg.content, headers, messageId || randomUUID())
            ch.ack(msg)
            count += 1
          }
        }
      } finally {
        await ch.close().catch(() => {})
      }
      return count
    },
    async stats() {
      const model = await link.model(deadline())
      let ch = await model.createChannel()
      /** A queue's ready messages (a queue that is gone holds none; its error closes the channel). */
      const count = async (queue: string) => {
        try {
          return (await ch.checkQueue(queue)).messageCount
        } catch {
          ch = await model.createChannel()
          return 0
        }
      }
      const inFlight = new Map<string, number>()
      for (const c of consumers) inFlight.set(c.name, (inFlight.get(c.name) ?? 0) + c.inFlight)
      const found: QueueStats[] = []
      try {
        for (const c of declared.values()) {
          let retrying = 0
          for (const delayMs of new Set(c.retryDelaysMs))
            retrying += await count(names.retryQueue(c.consumer, delayMs))
          found.push({
            consumer: c.consumer,
            event: c.event,
            ready: await count(names.queue(c.consumer)),
            inFlight: inFlight.get(c.consumer) ?? 0,
            retrying,
            parked: await count(names.parkedQueue(c.consumer)),
          })
        }
      } finally {
        await ch.close().catch(() => {})
      }
      return found
    },
    async health() {
      // Just started: the answer waits a moment for the first connection.
      if (link.connecting) await link.model(Date.now() + FIRST_CONNECTION_WAIT_MS).catch(() => {})
      if (link.failed) return { ok: false, detail: link.failed.message }
      return link.connected
        ? { ok: true }
        : {
            ok: false,
            detail: link.connecting
              ? 'connecting to the broker'
              : 'disconnected from the broker; reconnecting',
          }
    },
    async close() {
      await Promise.allSettled([...consumers].map((c) => c.stop()))
      await Promise.allSettled([...watches].map((w) => w.stop()))
      await link.close()
    },
  }
  return bus
}
