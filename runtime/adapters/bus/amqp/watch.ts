/**
 * A watch of an event on RabbitMQ: a server-named, exclusive, auto-deleted queue bound to the
 * event's fanout exchange, consumed without acks — the broker drops it with the connection, so
 * nothing piles up for a process that went away. Started again on every (re)connect; a start
 * after the first tells the watcher it may have missed messages.
 */
import type { ChannelModel } from 'amqplib'
import type { WatchHandlers } from '../../../ports/bus.ts'
import { declareExchange, type Topology } from './topology.ts'

export interface Watch {
  start(model: ChannelModel): Promise<void>
  stop(): Promise<void>
}

/** Most messages the broker keeps for a watch that is slow to take them. */
const MAX_WAITING = 10_000

export function createWatch(event: string, handlers: WatchHandlers, names: Topology): Watch {
  let channel: Awaited<ReturnType<ChannelModel['createChannel']>> | undefined
  let started = false
  let stopped = false
  return {
    async start(model) {
      if (stopped) return
      // A channel of a link that was lost is gone with it; one of this link is replaced.
      await channel?.close().catch(() => {})
      const ch = await model.createChannel()
      await declareExchange(ch, names, event)
      const { queue } = await ch.assertQueue('', {
        exclusive: true,
        autoDelete: true,
        durable: false,
        arguments: { 'x-max-length': MAX_WAITING },
      })
      await ch.bindQueue(queue, names.exchange(event), '')
      await ch.consume(queue, (msg) => msg && handlers.message(msg.content.toString()), {
        noAck: true,
      })
      channel = ch
      if (started) handlers.gap?.()
      started = true
    },
    async stop() {
      stopped = true
      await channel?.close().catch(() => {})
      channel = undefined
    },
  }
}
