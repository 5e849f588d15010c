/**
 * Picks each port's adapter from the configuration: the real service when its variable is
 * set, the embedded one otherwise. Adapters of real services are imported on demand, so a
 * bundle that never sets their variable never loads their client library.
 */
import type { AppConfig } from '../config.ts'
import type { Bus } from '../ports/bus.ts'
import type { Logger } from '../ports/logger.ts'
import type { Payments } from '../ports/payments.ts'
import type { Registry } from '../ports/registry.ts'
import type { Store } from '../ports/store.ts'
import { memoryBus } from './bus/memory-bus.ts'
import { localPayments } from './payments/local/local-payments.ts'
import { staticRegistry } from './registry/static-registry.ts'
import { memoryStore } from './store/memory-store.ts'
import { seedIfEmpty } from './store/seed.ts'

export interface Adapters {
  store: Store
  bus: Bus
  registry: Registry
  payments: Payments
}

async function createStore(config: AppConfig, log: Logger): Promise<Store> {
  if (!config.mongodbUri) return memoryStore()
  const { mongoStore } = await import('./store/mongo-store.ts')
  return mongoStore({ uri: config.mongodbUri, log: log.child({ adapter: 'mongodb' }) })
}

async function createBus(config: AppConfig, log: Logger): Promise<Bus> {
  if (!config.amqpUrl) return memoryBus()
  const { amqpBus } = await import('./bus/amqp/amqp-bus.ts')
  return amqpBus({
    url: config.amqpUrl,
    namespace: config.amqpNamespace,
    retryDelaysMs: config.retryDelaysMs,
    publishTimeoutMs: config.publishTimeoutMs,
    log: log.child({ adapter: 'rabbitmq' }),
  })
}

async function createPayments(config: AppConfig): Promise<Payments> {
  const { secretKey, webhookSecret, apiBase } = config.stripe
  if (!secretKey) return localPayments({ publicUrl: config.publicUrl, webhookSecret })
  const { stripePayments } = await import('./payments/stripe-payments.ts')
  return stripePayments({ secretKey, webhookSecret, apiBase })
}

async function createRegistry(config: AppConfig, log: Logger): Promise<Registry> {
  if (!config.consulAddr) return staticRegistry(config.addresses)
  const { consulRegistry } = await import('./registry/consul/consul-registry.ts')
  return consulRegistry({ address: config.consulAddr, log: log.child({ adapter: 'consul' }) })
}

export async function createAdapters(config: AppConfig, log: Logger): Promise<Adapters> {
  const store = await createStore(config, log)
  await seedIfEmpty(store)
  const [bus, registry, payments] = await Promise.all([
    createBus(config, log),
    createRegistry(config, log),
    createPayments(config),
  ])
  return { store, bus, registry, payments }
}
