/** Turns a delivery's body into a checked event; what cannot be parsed is poison. */
import { EVENT_SCHEMAS, type EventBody, type EventName } from '../../shared/events.ts'
import { PoisonMessageError } from '../ports/bus.ts'

export function parseEvent<E extends EventName>(event: E, body: string): EventBody<E> {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    throw new PoisonMessageError(`${event} body is not JSON`)
  }
  const parsed = EVENT_SCHEMAS[event].safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    throw new PoisonMessageError(`${event} body fails its schema: ${issues.join('; ')}`)
  }
  return parsed.data as EventBody<E>
}
