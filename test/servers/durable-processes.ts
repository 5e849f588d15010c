/**
 * The six bundles on RabbitMQ and MongoDB (FerretDB), data and messages outliving any process:
 * what the crash and outage tests kill processes in. Its own broker namespace and database.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { amqpBus } from '../../runtime/adapters/bus/amqp/amqp-bus.ts'
import { mongoDocuments } from '../../runtime/adapters/documents/mongo/mongo-documents.ts'
import { buildBundles } from '../../runtime/build/build-bundles.ts'
import { loadFunctions } from '../../runtime/catalog.ts'
import type { DocumentStore } from '../../runtime/ports/documents.ts'
import { queuesOf } from '../../runtime/queue/queues-of.ts'
import { silentLogger, WEBHOOK_SECRET } from '../fixtures.ts'
import { mongoUnavailable, startMongoServer } from './ferretdb.ts'
import { type ProcessSystem, startProcesses } from './processes.ts'
import { deleteNamespace, RABBIT_URL, rabbitAvailable, testNamespace } from './rabbitmq.ts'

/** Why the servers are missing (undefined when both are here); throws under CI. */
export async function durableServersMissing(what: string): Promise<string | undefined> {
  const missing = !(await rabbitAvailable()) ? 'RabbitMQ does not answer' : mongoUnavailable()
  if (missing && process.env.CI) throw new Error(`${what} needs its servers: ${missing}`)
  if (missing) console.warn(`skipping ${what}: ${missing}`)
  return missing
}

export interface DurableSystem {
  system: ProcessSystem
  namespace: string
  /** JSON from the public API. */
  // biome-ignore lint/suspicious/noExplicitAny: tests read response bodies loosely
  json<T = any>(path: string, init?: RequestInit): Promise<{ status: number; body: T }>
  /** Messages parked (dead-lettered) on any function's queue: none, when all went well. */
  parked(): Promise<unknown[]>
  /** The database's connection string (to look at it directly). */
  mongoUri: string
  /** The system's database, as the processes use it (to check what they stored). */
  store(): Promise<DocumentStore>
  stop(): Promise<void>
}

export async function startDurableProcesses(
  database: string,
  env: Record<string, string> = {},
): Promise<DurableSystem> {
  const dist = mkdtempSync(join(tmpdir(), 'oms-dist-'))
  const namespace = testNamespace()
  const server = await startMongoServer()
  await buildBundles({ outDir: dist })
  const uri = server.uri(database)
  let store: Promise<DocumentStore> | undefined
  const system = await startProcesses(dist, {
    AMQP_URL: RABBIT_URL,
    AMQP_NAMESPACE: namespace,
    MONGODB_URI: uri,
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    KITCHEN_COOK_MS: '100',
    RETRY_DELAYS_MS: '200,500,1000',
    ...env,
  })
  return {
    system,
    namespace,
    mongoUri: uri,
    async json(path, init) {
      const res = await fetch(`${system.url}${path}`, init)
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
    },
    async parked() {
      const bus = await amqpBus({
        url: RABBIT_URL,
        namespace,
        retryDelaysMs: [],
        log: silentLogger,
      })
      try {
        const parked: unknown[] = []
        for (const { consumer } of queuesOf(await loadFunctions()))
          parked.push(...(await bus.parked(consumer)))
        return parked
      } finally {
        await bus.close()
      }
    },
    store() {
      store ??= mongoDocuments({ uri })
      return store
    },
    async stop() {
      await (await store)?.close()
      await system.stop()
      await server.close()
      await deleteNamespace(namespace)
    },
  }
}
