/**
 * One consumer function on RabbitMQ: its own channel with a bounded prefetch on its own queue,
 * manual ack after the handler. A failure goes to the next delay queue with the try count in a
 * header (acknowledged only once that publish is confirmed); after the last tier, or at once
 * for poison, the message is parked with the error, the function and the try count.
 */
import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib'
import { type Delivery, RESENT_HEADER, type SubscribeOptions } from '../../../ports/bus.ts'
import type { Logger } from '../../../ports/logger.ts'
import { describeError, isPoison, transientWait } from '../errors.ts'
import {
  ATTEMPT,
  appHeaders,
  ERROR,
  EVENT,
  FUNCTION,
  numberHeader,
  PARKED_AT,
  TRIES,
  WAITED,
} from './headers.ts'
import type { Topology } from './topology.ts'

export type SendToQueue = (
  queue: string,
  content: Buffer,
  headers: Record<string, unknown>,
  messageId?: string,
) => Promise<void>

export interface Consumer {
  /** The consumer function whose queue this consumes. */
  readonly name: string
  /** Deliveries handed to the handler and not settled yet. */
  readonly inFlight: number
  /** (Re)starts consuming on a fresh channel of `model`; no-op while already consuming. */
  start(model: ChannelModel): Promise<void>
  /** Stops taking deliveries, waits for those in flight, closes the channel. */
  stop(): Promise<void>
}

export function createConsumer(
  options: SubscribeOptions,
  handle: (delivery: Delivery) => Promise<void>,
  deps: { names: Topology; send: SendToQueue; log: Logger },
): Consumer {
  const { names, send, log } = deps
  let channel: Channel | undefined
  let tag: string | undefined
  let starting = false
  let stopped = false
  let inFlight = 0
  let idle: (() => void) | undefined

  const ack = (ch: Channel, msg: ConsumeMessage) => {
    try {
      ch.ack(msg)
    } catch {
      // Channel gone: the broker redelivers the message on the next connection.
    }
  }

  const settleFailure = async (
    ch: Channel,
    msg: ConsumeMessage,
    delivery: Delivery,
    err: unknown,
  ) => {
    const delays = options.retryDelaysMs
    const raw = (msg.properties.headers ?? {}) as Record<string, unknown>
    const waited = numberHeader(raw, WAITED, 0)
    // What it needs is away: wait in a delay queue, without counting a try.
    const wait = transientWait(err, waited, options.transientWaitMs, delays)
    const park = wait === undefined && (isPoison(err) || delivery.attempt > delays.length)
    const target = park
      ? names.parkedQueue(options.consumer)
      : names.retryQueue(options.consumer, wait ?? (delays[delivery.attempt - 1] as number))
    const headers = park
      ? {
          ...raw,
          [ERROR]: describeError(err).slice(0, 2000),
          [FUNCTION]: options.consumer,
          [EVENT]: options.event,
          [TRIES]: delivery.attempt,
          [PARKED_AT]: new Date().toISOString(),
        }
      : wait !== undefined
        ? { ...raw, [WAITED]: waited + wait }
        : { ...raw, [ATTEMPT]: delivery.attempt + 1 }
    try {
      await send(target, msg.content, headers, delivery.messageId)
      ack(ch, msg)
      if (park)
        options.onParked?.({
          id: delivery.messageId,
          error: describeError(err).slice(0, 2000),
          tries: delivery.attempt,
        })
    } catch (publishErr) {
      // Could not hand it on: leave it to the broker, which redelivers it.
      log.warn(
        { err: describeError(publishErr) },
        'could not move a failed message on; it will be redelivered',
      )
      try {
        ch.nack(msg, false, true)
      } catch {}
    }
  }

  const onMessage = async (ch: Channel, msg: ConsumeMessage | null) => {
    if (!msg) return log.warn({ consumer: options.consumer }, 'the broker cancelled the consumer')
    inFlight += 1
    const raw = msg.properties.headers as Record<string, unknown> | undefined
    const attempt = numberHeader(raw, ATTEMPT, 1)
    const delivery: Delivery = {
      messageId: String(
        msg.properties.messageId ?? `${msg.fields.exchange}:${msg.fields.deliveryTag}`,
      ),
      event: options.event,
      body: msg.content.toString(),
      headers: appHeaders(raw),
      attempt,
      redelivered: msg.fields.redelivered || attempt > 1 || raw?.[RESENT_HEADER] !== undefined,
    }
    try {
      await handle(delivery)
      ack(ch, msg)
    } catch (err) {
      await settleFailure(ch, msg, delivery, err)
    } finally {
      inFlight -= 1
      if (inFlight === 0) idle?.()
    }
  }

  return {
    name: options.consumer,
    get inFlight() {
      return inFlight
    },
    async start(model) {
      if (stopped || starting || channel) return
      starting = true
      try {
        const ch = await model.createChannel()
        ch.on('error', (err: Error) =>
          log.warn({ err: err.message, consumer: options.consumer }, 'consumer channel error'),
        )
        ch.on('close', () => {
          if (channel !== ch) return
          channel = undefined
          tag = undefined
        })
        await ch.prefetch(options.prefetch)
        const reply = await ch.consume(
          names.queue(options.consumer),
          (msg) => void onMessage(ch, msg),
          { noAck: false },
        )
        channel = ch
        tag = reply.consumerTag
      } finally {
        starting = false
      }
    },
    async stop() {
      stopped = true
      const ch = channel
      if (ch && tag) await ch.cancel(tag).catch(() => {})
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve))
      channel = undefined
      await ch?.close().catch(() => {})
    },
  }
}
