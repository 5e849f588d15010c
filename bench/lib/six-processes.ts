/**
 * The domain bundles (one per domain of the catalog, six today) as processes on RabbitMQ, in a
 * namespace of their own on the broker (removed again when they stop), with the bench's admin
 * token: what the containers run. Which domains, their ports and their start order come from
 * the catalog (test/servers/processes.ts).
 */
import { randomBytes } from 'node:crypto'
import { type ProcessSystem, startProcesses } from '../../test/servers/processes.ts'
import { deleteNamespace } from '../../test/servers/rabbitmq.ts'
import { bundles } from './bundles.ts'
import { ADMIN_TOKEN, RABBIT_URL } from './env.ts'

/** Starts the bundles with `extra` variables; `stop()` also removes their queues and exchanges. */
export async function startSixProcesses(
  extra: Record<string, string> = {},
): Promise<ProcessSystem> {
  const { dir } = await bundles()
  const namespace = `bench${randomBytes(4).toString('hex')}`
  const system = await startProcesses(dir, {
    AMQP_URL: RABBIT_URL,
    AMQP_NAMESPACE: namespace,
    ADMIN_TOKEN,
    LOG_LEVEL: 'warn',
    ...extra,
  })
  return {
    ...system,
    async stop() {
      await system.stop()
      await deleteNamespace(namespace)
    },
  }
}
