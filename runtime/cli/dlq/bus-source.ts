/**
 * Parked messages in the broker (AMQP_URL set): the CLI builds the configured adapters and
 * asks the bus directly, since the dead-letter queues outlive any one process.
 */
import { type Adapters, createAdapters } from '../../adapters/create-adapters.ts'
import { loadFunctions } from '../../catalog.ts'
import type { RuntimeConfig } from '../../config/runtime-settings.ts'
import type { Logger } from '../../ports/logger.ts'
import { queuesOf } from '../../queue/queues-of.ts'
import { CliError } from '../errors.ts'
import type { DlqSource } from './source.ts'

export async function busDlq(config: RuntimeConfig, log: Logger): Promise<DlqSource> {
  let adapters: Adapters
  try {
    adapters = await createAdapters(config, log)
  } catch (err) {
    throw new CliError(`cannot reach the bus: ${err instanceof Error ? err.message : String(err)}`)
  }
  const { bus, registry, store } = adapters
  // Parking queues are per consumer function: make every function of the catalog known.
  await bus.declare(queuesOf(await loadFunctions()))
  return {
    where: `the ${bus.kind} bus`,
    parked: (fn) => bus.parked(fn),
    replay: ({ fn, id }) => bus.replay({ consumer: fn, id }),
    async close() {
      await Promise.allSettled([bus.close(), registry.close(), store.close()])
    },
  }
}
