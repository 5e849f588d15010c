/** Turns a delivery's body into a checked event of its topic; what cannot be parsed is poison. */
import type { Topic } from '../model/topic.ts'
import { PoisonMessageError } from '../ports/bus.ts'

export function parseEvent<T>(topic: Topic<T>, body: string): T {
  let json: unknown
  try {
    json = JSON.parse(body)
  } catch {
    throw new PoisonMessageError(`${topic.name} body is not JSON`)
  }
  const parsed = topic.schema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)
    throw new PoisonMessageError(`${topic.name} body fails its schema: ${issues.join('; ')}`)
  }
  return parsed.data
}
