/**
 * The PostgreSQL server tests and benchmarks keep FerretDB's data in: POSTGRES_URL, else the
 * local server (trust auth, user postgres). Each user gets a fresh database, dropped after.
 * Without the server, tests skip with a printed reason — except under CI (CI set), where it is
 * a failure: `.ci/run` starts the local server.
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** The server, without a database path. */
export const POSTGRES_URL = (
  process.env.POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432'
).replace(/\/+$/, '')

const psql = (database: string, args: string[], timeout = 30_000) =>
  run('psql', [`${POSTGRES_URL}/${database}`, '-v', 'ON_ERROR_STOP=1', '-qAt', ...args], {
    timeout,
  })

const warned = new Set<string>()

/** Why PostgreSQL cannot be used here (`what` needs it), or undefined when it can; throws under CI. */
export async function postgresUnavailable(what: string): Promise<string | undefined> {
  try {
    await psql('postgres', ['-c', 'select 1'])
    return undefined
  } catch (err) {
    const said = String((err as { stderr?: string }).stderr || err).split('\n')[0]
    const reason = `PostgreSQL does not answer at ${POSTGRES_URL} (${said})`
    if (process.env.CI) throw new Error(`${what} cannot run: ${reason}`)
    if (!warned.has(what)) console.warn(`skipping ${what}: ${reason}; set POSTGRES_URL`)
    warned.add(what)
    return reason
  }
}

/** Creates a fresh database; resolves with its name and URL. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await psql('postgres', ['-c', `create database "${name}"`])
  return { name, url: `${POSTGRES_URL}/${name}` }
}

/** Runs the statements of an SQL file in the database. */
export async function applySqlFile(name: string, file: string): Promise<void> {
  await psql(name, ['-f', file])
}

/** Runs one statement in the database; resolves with its rows, as psql prints them unaligned. */
export async function query(name: string, statement: string): Promise<string[]> {
  const { stdout } = await psql(name, ['-c', statement], 300_000)
  return stdout.split('\n').filter(Boolean)
}

/** Drops the database, closing whatever connections are left on it. */
export async function dropDatabase(name: string): Promise<void> {
  await psql('postgres', ['-c', `drop database if exists "${name}" with (force)`])
}
