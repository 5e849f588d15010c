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
  /** Fields of an event put on every log line its handlers write (e.g. the id it is about). */
  readonly logKeys: readonly string[]
}

export interface TopicOptions<T> {
  /** Fields of the event to put on every log line its consumers and workers write. */
  logKeys?: readonly (keyof T & string)[]
}

/** The event's log fields, as its topic names them (those present, as text or numbers). */
export function logFieldsOf(t: Topic, event: unknown): Record<string, unknown> {
  const fields: Record<string, unknown> = {}
  if (typeof event !== 'object' || event === null) return fields
  for (const key of t.logKeys) {
    const value = (event as Record<string, unknown>)[key]
    if (typeof value === 'string' || typeof value === 'number') fields[key] = value
  }
  return fields
}

/** The body type of a topic's events. */
export type EventOf<T extends Topic> = T extends Topic<infer B> ? B : never

/** Every topic declared in this process, by name: what `oms events` and the operator routes know. */
const declared = new Map<string, Topic>()

export function declaredTopics(): Topic[] {
  return [...declared.values()].sort((a, b) => a.name.localeCompare(b.name))
}

export function topic<S extends z.ZodType>(
  name: string,
  schema: S,
  options: TopicOptions<z.output<S>> = {},
): Topic<z.output<S>> {
  if (!/^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/.test(name))
    throw new Error(`topic ${name}: use dotted lower-case words, e.g. order.paid`)
  const declaredTopic: Topic<z.output<S>> = {
    [TOPIC]: true,
    name,
    schema: schema as z.ZodType<z.output<S>>,
    logKeys: options.logKeys ?? [],
  }
  declared.set(name, declaredTopic as Topic)
  return declaredTopic
}
