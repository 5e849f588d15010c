/**
 * Names and declarations of everything the bus uses on RabbitMQ, declared idempotently:
 *
 *   <ns>.<event>                       fanout exchange, one per event (e.g. oms.order.paid)
 *   <ns>.<function>                    durable queue of one consumer function, bound to its event
 *   <ns>.<function>.retry.<delay>ms    delay queue per retry tier (also used by transient waits): TTL = delay, dead-letters back
 *                                      to the function's queue (one TTL per queue, never per message)
 *   <ns>.<function>.parked             parking (dead-letter) queue of the function
 */
import type { Channel } from 'amqplib'

export interface Topology {
  exchange(event: string): string
  queue(consumer: string): string
  retryQueue(consumer: string, delayMs: number): string
  parkedQueue(consumer: string): string
}

/** `name(key)`, built once per key. Every publish names its exchange; a name built anew each
 * time is a concatenated string V8 must flatten (copy) before amqplib can encode it. */
function memo<K>(name: (key: K) => string): (key: K) => string {
  const cache = new Map<K, string>()
  return (key) => {
    let value = cache.get(key)
    if (value === undefined) {
      value = name(key)
      cache.set(key, value)
    }
    return value
  }
}

export function topology(namespace: string): Topology {
  return {
    exchange: memo((event: string) => `${namespace}.${event}`),
    queue: memo((consumer: string) => `${namespace}.${consumer}`),
    retryQueue: (consumer, delayMs) => `${namespace}.${consumer}.retry.${delayMs}ms`,
    parkedQueue: memo((consumer: string) => `${namespace}.${consumer}.parked`),
  }
}

export async function declareExchange(ch: Channel, names: Topology, event: string): Promise<void> {
  await ch.assertExchange(names.exchange(event), 'fanout', { durable: true })
}

/** The consumer's queue bound to its event, its parking queue and one delay queue per tier. */
export async function declareConsumer(
  ch: Channel,
  names: Topology,
  consumer: { consumer: string; event: string },
  retryDelaysMs: readonly number[],
): Promise<void> {
  const queue = names.queue(consumer.consumer)
  await declareExchange(ch, names, consumer.event)
  await ch.assertQueue(queue, { durable: true })
  await ch.bindQueue(queue, names.exchange(consumer.event), '')
  await ch.assertQueue(names.parkedQueue(consumer.consumer), { durable: true })
  for (const delayMs of new Set(retryDelaysMs)) {
    await ch.assertQueue(names.retryQueue(consumer.consumer, delayMs), {
      durable: true,
      arguments: {
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
      },
    })
  }
}
