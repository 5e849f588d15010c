/**
 * Runs one suite against every document store adapter: the embedded store, and MongoDB
 * (FerretDB started here, or MONGODB_URI) — skipped with a printed reason when no server can
 * run here, a failure under CI. Each `fresh()` is a new, empty store (its own database); stores
 * are closed after each test.
 */
import { afterAll, afterEach, beforeAll, describe } from 'vitest'
import { memoryDocuments } from '../runtime/adapters/documents/memory/memory-documents.ts'
import { mongoDocuments } from '../runtime/adapters/documents/mongo/mongo-documents.ts'
import type { DocumentStore } from '../runtime/ports/documents.ts'
import { type MongoServer, mongoUnavailable, startMongoServer } from './servers/ferretdb.ts'

export interface StoreUnderTest {
  /** `embedded` or `MongoDB`. */
  name: string
  /** A new, empty store, closed after the test. */
  fresh(): Promise<DocumentStore>
  /** The MongoDB server, when the store is MongoDB (restart tests). */
  server?: () => MongoServer
}

/** Defines `suite` once per adapter, inside `describe(<title>: <adapter>)`. */
export function eachStore(title: string, suite: (store: StoreUnderTest) => void): void {
  const opened: DocumentStore[] = []
  const track = (store: DocumentStore) => {
    opened.push(store)
    return store
  }
  const closeAll = async () => {
    for (const s of opened.splice(0)) await s.close().catch(() => {})
  }

  describe(`${title}: embedded`, () => {
    afterEach(closeAll)
    suite({ name: 'embedded', fresh: async () => track(memoryDocuments()) })
  })

  describe.skipIf(mongoUnavailable())(`${title}: MongoDB`, () => {
    let server: MongoServer
    beforeAll(async () => {
      server = await startMongoServer()
    }, 30_000)
    afterEach(closeAll)
    afterAll(async () => {
      await server?.close()
    })
    suite({
      name: 'MongoDB',
      fresh: async () => track(await mongoDocuments({ uri: server.uri('docs') })),
      server: () => server,
    })
  })
}
