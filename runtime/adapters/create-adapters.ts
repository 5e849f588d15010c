/**
 * Picks each port's adapter from the configuration: the real service when its variable is
 * set, the embedded one otherwise.
 */
import type { AppConfig } from '../config.ts'
import type { Bus } from '../ports/bus.ts'
import type { Logger } from '../ports/logger.ts'
import type { Payments } from '../ports/payments.ts'
import type { Registry } from '../ports/registry.ts'
import type { Store } from '../ports/store.ts'
import { amqpBus } from './bus/amqp/amqp-bus.ts'
import { memoryBus } from './bus/memory-bus.ts'
import { localPayments } from './payments/local/local-payments.ts'
import { stripePayments } from './payments/stripe-payments.ts'
import { memoryRegistry } from './registry/memory-registry.ts'
import { memoryStore } from './store/memory-store.ts'
import { seedIfEmpty } from './store/seed.ts'

export interface Adapters {
  store: Store
  bus: Bus
  registry: Registry
  payments: Payments
}

function notYet(variable: string, what: string): never {
  throw new Error(
    `${variable} is set, but the ${what} adapter is not available in this build; unset ${variable} to use the embedded one`,
  )
}

export async function createAdapters(config: AppConfig, log: Logger): Promise<Adapters> {
  if (config.mongodbUri) notYet('MONGODB_URI', 'MongoDB store')
  if (config.consulAddr) notYet('CONSUL_HTTP_ADDR', 'Consul registry')
  const store = memoryStore()
  await seedIfEmpty(store)
  const payments = config.stripe.secretKey
    ? stripePayments({
        secretKey: config.stripe.secretKey,
        webhookSecret: config.stripe.webhookSecret,
        apiBase: config.stripe.apiBase,
      })
    : localPayments({ publicUrl: config.publicUrl, webhookSecret: config.stripe.webhookSecret })
  const bus = config.amqpUrl
    ? await amqpBus({
        url: config.amqpUrl,
        namespace: config.amqpNamespace,
        retryDelaysMs: config.retryDelaysMs,
        publishTimeoutMs: config.publishTimeoutMs,
        log: log.child({ adapter: 'rabbitmq' }),
      })
    : memoryBus()
  return { store, bus, registry: memoryRegistry(), payments }
}
