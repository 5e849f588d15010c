/**
 * The MongoDB document store (MONGODB_URI): every domain's collections in one database, named
 * by the URI's path (default `oms`), each collection as `<domain>.<name>`. Needs no
 * multi-document transactions, so a standalone server does. Connecting is bounded and a failure
 * names MONGODB_URI; afterwards the driver reconnects by itself, and while the server is away
 * operations fail after the server-selection bound instead of waiting, and `ping` (behind
 * /healthz) says so.
 */
import { MongoClient } from 'mongodb'
import { ConfigError } from '../../../config/config-error.ts'
import type { DocumentStore } from '../../../ports/documents.ts'
import type { Logger } from '../../../ports/logger.ts'
import { checkName } from '../port-checks.ts'
import { mongoCollection, PENDING_FIELD } from './mongo-collection.ts'

export interface MongoDocumentsOptions {
  /** The connection string; its path names the database. */
  uri: string
  /** How long the start, or any operation, looks for the server before failing (default 5000 ms). */
  serverSelectionTimeoutMs?: number
  /** How long `ping` waits for an answer (default 1500 ms, under /healthz's own bound). */
  pingTimeoutMs?: number
  /** How long a sent operation waits for its reply before its connection is dropped (default 30 s). */
  socketTimeoutMs?: number
  log?: Logger
}

/** Database used when the URI names none. */
export const DEFAULT_DB_NAME = 'oms'

/** The URI without credentials, for messages. */
const redact = (uri: string) => uri.replace(/\/\/[^@/]*@/, '//***@')

const messageOf = (err: unknown) => (err instanceof Error ? err.message : String(err))

export function dbNameOf(uri: string): string {
  const path = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]*)/.exec(uri)?.[1]
  return path ? decodeURIComponent(path) : DEFAULT_DB_NAME
}

/** The collection that holds a domain's collection. */
export const collectionName = (namespace: string, name: string) => `${namespace}.${name}`

/** Connections a process reads FerretDB 1.x over, beside the one it writes over. */
export const FERRETDB_READ_CONNECTIONS = 4

/** Connects and returns the store; fails within the bound, naming MONGODB_URI. */
export async function mongoDocuments({
  uri,
  serverSelectionTimeoutMs = 5000,
  pingTimeoutMs = 1500,
  socketTimeoutMs = 30_000,
  log,
}: MongoDocumentsOptions): Promise<DocumentStore> {
  const connect = async (extra: { maxPoolSize?: number } = {}) => {
    let client: MongoClient
    try {
      client = new MongoClient(uri, {
        appName: 'oms',
        serverSelectionTimeoutMS: serverSelectionTimeoutMs,
        connectTimeoutMS: serverSelectionTimeoutMs,
        socketTimeoutMS: socketTimeoutMs,
        // Every string read back was written by this code through the driver (valid UTF-8);
        // checking each again on decode took a quarter of the driver's CPU per command here
        // (420 → 325 µs for a findOne by _id, 50 in flight).
        enableUtf8Validation: false,
        ...extra,
      })
    } catch (err) {
      throw new ConfigError(`MONGODB_URI: not a usable connection string: ${messageOf(err)}`)
    }
    try {
      await client.connect()
      return client
    } catch (err) {
      await client.close().catch(() => {})
      throw fail(err)
    }
  }
  const fail = (err: unknown) =>
    new ConfigError(
      `MONGODB_URI: cannot use MongoDB at ${redact(uri)} (tried for up to ${serverSelectionTimeoutMs} ms): ${messageOf(err)}`,
    )
  let client = await connect()
  let reader: MongoClient | undefined
  const ferretDb = await ferretDb1Version(client)
  if (ferretDb) {
    // FerretDB 1.x runs a conditional update as a read and a write: two connections racing on
    // one document can both pass its guard. One connection serializes this process's writes,
    // which is safe while one process writes each domain's data. Finds through an index race
    // with nothing: they go over connections of their own, so a long one (a sweep's, the
    // outbox's lookup, a listing) holds up no write. Reads by id stay in line with the writes.
    if (client.options.maxPoolSize > 1) {
      await client.close()
      client = await connect({ maxPoolSize: 1 })
    }
    reader = await connect({ maxPoolSize: FERRETDB_READ_CONNECTIONS })
    log?.warn(
      { ferretdb: ferretDb },
      'FerretDB 1.x does not apply conditional updates atomically across connections: this process writes over one connection (its writes serialized) and finds over others; run one process per domain on it, or use MongoDB',
    )
  }
  const db = client.db(dbNameOf(uri))
  const readDb = reader ? reader.db(dbNameOf(uri)) : db
  log?.info({ db: db.databaseName }, 'MongoDB store connected')

  return {
    kind: 'mongodb',
    remote: true,
    async prepare(namespace, specs) {
      checkName('namespace', namespace)
      try {
        await Promise.all(
          specs.flatMap((spec) => {
            checkName('collection', spec.name)
            const c = db.collection(collectionName(namespace, spec.name))
            const made = (spec.indexes ?? []).map((index) =>
              c.createIndex(Object.fromEntries(index.fields), {
                name: index.name,
                ...(index.unique && { unique: true }),
              }),
            )
            // The outbox relay's lookup of documents holding events (see PENDING_FIELD).
            if (spec.outbox)
              made.push(
                c.createIndex({ [PENDING_FIELD]: 1 }, { name: 'outbox_pending', sparse: true }),
              )
            return made
          }),
        )
      } catch (err) {
        throw fail(err)
      }
    },
    collection: (namespace, spec) =>
      mongoCollection(db, collectionName(namespace, spec.name), spec, readDb),
    async ping() {
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer to ping within ${pingTimeoutMs} ms`)),
          pingTimeoutMs,
        )
      })
      try {
        await Promise.race([db.command({ ping: 1 }), timeout])
      } catch (err) {
        throw new Error(`MongoDB unavailable: ${messageOf(err)}`)
      } finally {
        clearTimeout(timer)
      }
    },
    async close() {
      await Promise.all([client.close(), reader?.close()])
    },
  }
}

/**
 * FerretDB 1.x applies an update by reading the document, changing it and writing it back,
 * with nothing stopping another connection in between, so two conditional updates can both
 * apply. Over one connection its commands run one at a time, as MongoDB's do per document.
 */
/** The FerretDB version when the server is FerretDB 1.x (it says so in buildInfo). */
async function ferretDb1Version(client: MongoClient): Promise<string | undefined> {
  const info = await client
    .db('admin')
    .command({ buildInfo: 1 })
    .catch(() => ({}) as Record<string, unknown>)
  const version: unknown = info.ferretdbVersion
  return typeof version === 'string' && version.startsWith('v1.') ? version : undefined
}
