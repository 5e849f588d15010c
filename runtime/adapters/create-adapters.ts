/**
 * Picks each port's adapter from the configuration: the real service when its variable is
 * set, the embedded one otherwise. Adapters of real services are imported on demand, so a
 * bundle that never sets their variable never loads their client library.
 */
import type { RuntimeConfig } from '../config/runtime-settings.ts'
import type { Bus } from '../ports/bus.ts'
import type { DocumentStore } from '../ports/documents.ts'
import type { Logger } from '../ports/logger.ts'
import type { Registry } from '../ports/registry.ts'
import { memoryBus } from './bus/memory-bus.ts'
import { memoryDocuments } from './documents/memory/memory-documents.ts'
import { noStore } from './documents/no-store.ts'
import { staticRegistry } from './registry/static-registry.ts'

export interface Adapters {
  store: DocumentStore
  bus: Bus
  registry: Registry
}

async function createStore(config: RuntimeConfig, log: Logger): Promise<DocumentStore> {
  if (!config.mongodbUri) return memoryDocuments({ file: config.storeFile })
  const { mongoDocuments } = await import('./documents/mongo/mongo-documents.ts')
  return mongoDocuments({ uri: config.mongodbUri, log: log.child({ adapter: 'mongodb' }) })
}

async function createBus(config: RuntimeConfig, log: Logger): Promise<Bus> {
  if (!config.amqpUrl) return memoryBus({ file: config.busFile })
  const { amqpBus } = await import('./bus/amqp/amqp-bus.ts')
  return amqpBus({
    url: config.amqpUrl,
    namespace: config.amqpNamespace,
    retryDelaysMs: config.retryDelaysMs,
    publishTimeoutMs: config.publishTimeoutMs,
    log: log.child({ adapter: 'rabbitmq' }),
  })
}

async function createRegistry(config: RuntimeConfig, log: Logger): Promise<Registry> {
  if (!config.consulAddr) return staticRegistry(config.addresses)
  const { consulRegistry } = await import('./registry/consul/consul-registry.ts')
  return consulRegistry({ address: config.consulAddr, log: log.child({ adapter: 'consul' }) })
}

export interface AdapterNeeds {
  /** Whether the process keeps data (default true); without, no store is connected. */
  store?: boolean
}

export async function createAdapters(
  config: RuntimeConfig,
  log: Logger,
  { store: needsStore = true }: AdapterNeeds = {},
): Promise<Adapters> {
  const [store, bus, registry] = await Promise.all([
    needsStore ? createStore(config, log) : noStore(),
    createBus(config, log),
    createRegistry(config, log),
  ])
  return { store, bus, registry }
}
