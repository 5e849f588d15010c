/**
 * The PostgreSQL the deployment benchmark keeps FerretDB's data in (test/servers/postgres.ts:
 * POSTGRES_URL, else the local server; a fresh database per run). CPU time is read for the processes that serve it: the backends of that database and the
 * server's own background processes (not the backends of other databases).
 */
import { readdir, readFile } from 'node:fs/promises'
import { query } from '../../test/servers/postgres.ts'
import { cpuMicros } from './proc.ts'

/** Background processes of the server, as `ps` titles them (no database of their own). */
const BACKGROUND =
  /postgres: .*(checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher|stats collector|archiver)/

/**
 * VACUUM ANALYZE of the database: what autovacuum would have done by the time a deployment's
 * data had grown to what was just written at once.
 */
export async function vacuumAnalyze(name: string): Promise<void> {
  await query(name, 'vacuum analyze')
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
