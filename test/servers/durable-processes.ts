/**
 * The six bundles on RabbitMQ and MongoDB (FerretDB), data and messages outliving any process:
 * what the crash and outage tests kill processes in. Its own broker namespace and database.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { mongoDocuments } from '../../runtime/adapters/documents/mongo/mongo-documents.ts'
import { buildBundles } from '../../runtime/build/build-bundles.ts'
import type { DocumentStore } from '../../runtime/ports/documents.ts'
import { WEBHOOK_SECRET } from '../fixtures.ts'
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
    async json(path, init) {
      const res = await fetch(`${system.url}${path}`, init)
      const text = await res.text()
      return { status: res.status, body: text ? JSON.parse(text) : undefined }
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
