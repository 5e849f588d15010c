/**
 * The MongoDB server the integration tests use: MONGODB_URI when set, else FerretDB (a MongoDB
 * wire-protocol server) started here on a free port, on SQLite in a temporary folder, and
 * stopped afterwards. Without the binary, tests skip with a printed reason — except under CI
 * (CI set), where it is a failure: `.ci/install-ferretdb.sh` builds it.
 *
 * `startFerretDb()` starts one whatever MONGODB_URI says, optionally on FerretDB's PostgreSQL
 * backend and with its Prometheus metrics served (what the deployment benchmark measures).
 *
 * FerretDB 1.x applies an update by reading the document, changing it and writing it back, with
 * nothing stopping another connection in between (MongoDB applies each document update
 * atomically). Over one connection its commands run one at a time, so the URIs handed out for
 * FerretDB carry maxPoolSize=1: each command then runs alone, as MongoDB guarantees per
 * document, while the adapter's separate commands still interleave however they may.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MongoClient } from 'mongodb'
import { binaryUnavailable } from './binary-check.ts'
import { freePort } from './free-port.ts'
import { goBin } from './go-bin.ts'

/** How long FerretDB may take to answer a ping after it was started. */
const START_TIMEOUT_MS = 15_000

export interface MongoServer {
  /** A connection string to a database nothing else uses (`prefix` starts its name). */
  uri(prefix?: string): string
  /** Stops and starts the server again on the same port and data (only one started here). */
  restart?: { stop(): Promise<void>; start(): Promise<void> }
  /** Drops the databases handed out (on a server found through MONGODB_URI) or stops FerretDB. */
  close(): Promise<void>
}

export const FERRETDB_BIN = join(goBin(), 'ferretdb')

/** The indexes FerretDB's PostgreSQL backend needs to read without scanning (apply before use). */
export const FERRETDB_POSTGRESQL_SQL = fileURLToPath(
  new URL('../../runtime/adapters/documents/mongo/ferretdb-postgresql.sql', import.meta.url),
)

/**
 * Why the MongoDB tests cannot run here, or undefined when they can. Prints the reason once;
 * under CI it throws instead.
 */
export function mongoUnavailable(): string | undefined {
  if (process.env.MONGODB_URI) return undefined
  return binaryUnavailable(
    'MongoDB',
    FERRETDB_BIN,
    '--version',
    'build it with .ci/install-ferretdb.sh, or set MONGODB_URI',
  )
}

/** Why `startFerretDb()` cannot run here (no usable binary), or undefined; throws under CI. */
export function ferretDbUnavailable(): string | undefined {
  return binaryUnavailable(
    'FerretDB',
    FERRETDB_BIN,
    '--version',
    'build it with .ci/install-ferretdb.sh',
  )
}

/** The URI with its path replaced by `db` and extra query options added. */
function withDatabase(uri: string, db: string, extra: string): string {
  const match = /^(mongodb(?:\+srv)?:\/\/[^/?]*)\/?([^?]*)(?:\?(.*))?$/.exec(uri)
  if (!match) throw new Error(`MONGODB_URI is not a mongodb:// connection string`)
  const query = [match[3], extra].filter(Boolean).join('&')
  return `${match[1]}/${db}${query ? `?${query}` : ''}`
}

const dbName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`

async function answers(uri: string): Promise<Record<string, unknown>> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 300, connectTimeoutMS: 300 })
  try {
    await client.connect()
    return await client.db('admin').command({ buildInfo: 1 })
  } finally {
    await client.close()
  }
}

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(kill)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

export interface FerretDbOptions {
  /**
   * Keep the data in this PostgreSQL database (`postgres://user@host:port/db`, FerretDB's
   * PostgreSQL backend) instead of SQLite files in a temporary folder (the default).
   */
  postgresqlUrl?: string
  /** Serve FerretDB's debug handlers (Prometheus metrics at `/debug/metrics`) on this port; default off. */
  debugPort?: number
}

/** A FerretDB started here. */
export interface FerretDbServer extends MongoServer {
  /** The running FerretDB's process id (undefined while stopped for a restart). */
  pid(): number | undefined
  /** Where its Prometheus metrics are served, with `debugPort`. */
  metricsUrl?: string
}

/** Starts FerretDB on `port` (state in `dir`); resolves once it answers. */
async function spawnFerretDb(
  dir: string,
  port: number,
  { postgresqlUrl, debugPort }: FerretDbOptions,
): Promise<ChildProcess> {
  const backend = postgresqlUrl
    ? ['--handler=postgresql', `--postgresql-url=${postgresqlUrl}`]
    : ['--handler=sqlite', `--sqlite-url=file:${dir}/`]
  const child = spawn(
    FERRETDB_BIN,
    [
      ...backend,
      `--listen-addr=127.0.0.1:${port}`,
      `--state-dir=${dir}`,
      debugPort ? `--debug-addr=127.0.0.1:${debugPort}` : '--debug-addr=-',
      '--telemetry=disable',
      '--log-level=error',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const deadline = Date.now() + START_TIMEOUT_MS
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`ferretdb exited with code ${child.exitCode} at start:\n${output}`)
    try {
      await answers(`mongodb://127.0.0.1:${port}/`)
      return child
    } catch (err) {
      if (Date.now() > deadline) {
        await stopProcess(child)
        throw new Error(`ferretdb did not answer within ${START_TIMEOUT_MS} ms: ${err}\n${output}`)
      }
    }
  }
}

/** The server at MONGODB_URI; databases handed out are dropped on close. */
async function external(uri: string): Promise<MongoServer> {
  const info = await answers(uri)
  const ferretdb1 = String(info.ferretdbVersion ?? '').startsWith('v1.')
  const extra = ferretdb1 && !/[?&]maxPoolSize=/i.test(uri) ? 'maxPoolSize=1' : ''
  const handedOut: string[] = []
  return {
    uri(prefix = 'test') {
      const name = dbName(prefix)
      handedOut.push(name)
      return withDatabase(uri, name, extra)
    },
    async close() {
      const client = new MongoClient(uri, { serverSelectionTimeoutMS: 2000 })
      try {
        for (const name of handedOut.splice(0)) await client.db(name).dropDatabase()
      } finally {
        await client.close()
      }
    },
  }
}

/**
 * Starts FerretDB on a free port (whatever MONGODB_URI says), on SQLite in a temporary folder or
 * on the PostgreSQL database given; `close()` stops it and removes the folder (not the
 * PostgreSQL database).
 */
export async function startFerretDb(options: FerretDbOptions = {}): Promise<FerretDbServer> {
  const dir = await mkdtemp(join(tmpdir(), 'oms-ferretdb-'))
  const port = await freePort()
  let child: ChildProcess | undefined = await spawnFerretDb(dir, port, options)
  return {
    uri: (prefix = 'test') => `mongodb://127.0.0.1:${port}/${dbName(prefix)}?maxPoolSize=1`,
    pid: () => child?.pid,
    ...(options.debugPort !== undefined && {
      metricsUrl: `http://127.0.0.1:${options.debugPort}/debug/metrics`,
    }),
    restart: {
      async stop() {
        if (child) await stopProcess(child)
        child = undefined
      },
      async start() {
        child ??= await spawnFerretDb(dir, port, options)
      },
    },
    async close() {
      if (child) await stopProcess(child)
      child = undefined
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/** Finds the server at MONGODB_URI, or starts FerretDB on SQLite. Check `mongoUnavailable()` first. */
export async function startMongoServer(): Promise<MongoServer> {
  if (process.env.MONGODB_URI) return external(process.env.MONGODB_URI)
  return startFerretDb()
}
