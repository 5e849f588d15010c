/**
 * The bus as functions and the outbox relay publish through it, counting each publish by event
 * (and each that failed). Everything else is the bus itself.
 */
import type { Bus } from '../ports/bus.ts'
import type { Metrics } from './metrics.ts'

export function countingPublishes(bus: Bus, metrics: Metrics): Bus {
  const counted = <T>(event: string, publishing: Promise<T>) =>
    publishing.then(
      (done) => {
        metrics.published(event)
        return done
      },
      (err: unknown) => {
        metrics.publishFailed(event)
        throw err
      },
    )
  // The bus's own object stays its prototype: its other members are its own.
  return Object.assign(Object.create(bus) as Bus, {
    publish: (event, body, headers) => counted(event, bus.publish(event, body, headers)),
    publishRaw: (event, body, headers, messageId) =>
      counted(event, bus.publishRaw(event, body, headers, messageId)),
  } satisfies Pick<Bus, 'publish' | 'publishRaw'>)
}
