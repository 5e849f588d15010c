/**
 * A topic: an event name and the schema its bodies must meet, declared where the event is
 * defined (`shared/events.ts`). Publishers and consumers refer to the topic, so the runtime
 * checks bodies without knowing any event.
 */
import type * as z from 'zod'

const TOPIC = Symbol.for('oms.topic')

export interface Topic<T = unknown> {
  readonly [TOPIC]: true
  /** e.g. `order.paid`: names the broker's exchange and appears in every delivery. */
  readonly name: string
  readonly schema: z.ZodType<T>
}

/** The body type of a topic's events. */
export type EventOf<T extends Topic> = T extends Topic<infer B> ? B : never

export function topic<S extends z.ZodType>(name: string, schema: S): Topic<z.output<S>> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(name))
    throw new Error(`topic ${name}: use dotted lower-case words, e.g. order.paid`)
  return { [TOPIC]: true, name, schema: schema as z.ZodType<z.output<S>> }
}
