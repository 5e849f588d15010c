/**
 * Reading and replaying parked messages. Messages are taken with basic.get without ack; those
 * not replayed go back to their parking queue when the channel closes, in their order.
 */
import type { Channel, GetMessage } from 'amqplib'
import type { ParkedMessage } from '../../../ports/bus.ts'
import {
  appHeaders,
  ERROR,
  EVENT,
  FUNCTION,
  numberHeader,
  PARKED_AT,
  stringHeader,
  TRIES,
} from './headers.ts'

export async function takeAll(ch: Channel, queue: string): Promise<GetMessage[]> {
  const taken: GetMessage[] = []
  for (;;) {
    const msg = await ch.get(queue, { noAck: false })
    if (!msg) return taken
    taken.push(msg)
  }
}

export function describeParked(msg: GetMessage, consumer: string): ParkedMessage | undefined {
  const raw = msg.properties.headers as Record<string, unknown> | undefined
  const event = stringHeader(raw, EVENT) ?? ''
  if (!event) return undefined
  return {
    id: String(msg.properties.messageId ?? ''),
    consumer: stringHeader(raw, FUNCTION) ?? consumer,
    event,
    body: msg.content.toString(),
    headers: appHeaders(raw),
    error: stringHeader(raw, ERROR) ?? '',
    tries: numberHeader(raw, TRIES, 1),
    parkedAt: stringHeader(raw, PARKED_AT) ?? new Date(0).toISOString(),
  }
}
