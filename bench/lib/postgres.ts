/**
 * The PostgreSQL the deployment benchmark keeps FerretDB's data in: BENCH_POSTGRES_URL, else
 * the local server (trust auth, user postgres). Each run gets a fresh database, dropped after.
 * CPU time is read for the processes that serve it: the backends of that database and the
 * server's own background processes (not the backends of other databases).
 */
import { execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdir, readFile } from 'node:fs/promises'
import { promisify } from 'node:util'
import { cpuMicros } from './proc.ts'

const run = promisify(execFile)

/** The server, without a database path. */
export const POSTGRES_URL = (
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432'
).replace(/\/+$/, '')

/** Background processes of the server, as `ps` titles them (no database of their own). */
const BACKGROUND =
  /postgres: .*(checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|stats collector|archiver)/

const sql = (statement: string) =>
  run('psql', [`${POSTGRES_URL}/postgres`, '-v', 'ON_ERROR_STOP=1', '-qAtc', statement], {
    timeout: 30_000,
  })

/** Why PostgreSQL cannot be used here, or undefined when it can; throws under CI. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    await sql('select 1')
    return undefined
  } catch (err) {
    const said = String((err as { stderr?: string }).stderr || err).split('\n')[0]
    const reason = `PostgreSQL does not answer at ${POSTGRES_URL} (${said})`
    if (process.env.CI) throw new Error(`the deployment benchmark cannot run: ${reason}`)
    return reason
  }
}

/** Creates a fresh database; resolves with its name and URL. */
export async function createDatabase(prefix: string): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  await sql(`create database "${name}"`)
  return { name, url: `${POSTGRES_URL}/${name}` }
}

/**
 * VACUUM ANALYZE of the database: what autovacuum would have done by the time a deployment's
 * data had grown to what was just written at once.
 */
export async function vacuumAnalyze(name: string): Promise<void> {
  await run('psql', [`${POSTGRES_URL}/${name}`, '-qAtc', 'vacuum analyze'], { timeout: 300_000 })
}

/** Drops the database, closing whatever connections are left on it. */
export async function dropDatabase(name: string): Promise<void> {
  await sql(`drop database if exists "${name}" with (force)`)
}

/** Ids of the server's processes that serve `database`, and of its background processes. */
async function pidsServing(database: string): Promise<number[]> {
  const pids: number[] = []
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() !== 'postgres') continue
      const title = (await readFile(`/proc/${entry}/cmdline`, 'utf8')).replaceAll('\0', ' ')
      if (title.includes(` ${database} `) || BACKGROUND.test(title)) pids.push(Number(entry))
    } catch {} // gone meanwhile
  }
  return pids
}

/** CPU time, in microseconds, used so far by each process serving the database (by pid). */
export async function postgresCpu(database: string): Promise<Map<number, number>> {
  const used = new Map<number, number>()
  for (const pid of await pidsServing(database)) {
    try {
      used.set(pid, await cpuMicros(pid))
    } catch {} // gone meanwhile
  }
  return used
}
