/**
 * FerretDB 1.x on PostgreSQL reads without scanning once ferretdb-postgresql.sql is applied:
 * PostgreSQL's own plans (FerretDB's `explain`) for the store's reads — by _id, by an index's
 * equality, the outbox relay's lookup of documents holding events — are index scans on the
 * GIN twins the file makes, for collections made before the file was applied and after it;
 * without the file, the same reads are sequential scans of the whole table.
 */
import type { Document } from 'mongodb'
import { MongoClient } from 'mongodb'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  FERRETDB_POSTGRESQL_SQL,
  type FerretDbServer,
  ferretDbUnavailable,
  startFerretDb,
} from '../../../../test/servers/ferretdb.ts'
import {
  applySqlFile,
  createDatabase,
  dropDatabase,
  postgresUnavailable,
  query,
} from '../../../../test/servers/postgres.ts'
import type { Collection, CollectionSpec, DocumentStore } from '../../../ports/documents.ts'
import { mongoDocuments } from './mongo-documents.ts'

const unavailable =
  ferretDbUnavailable() ?? (await postgresUnavailable('the FerretDB-on-PostgreSQL tests'))

interface Job {
  _id: string
  queue: string
  state: string
  dueAt: number
}

const spec = (name: string): CollectionSpec => ({
  name,
  outbox: true,
  indexes: [
    {
      name: 'due',
      fields: [
        ['queue', 1],
        ['state', 1],
        ['dueAt', 1],
      ],
    },
  ],
})

const DOCS = 3000

/** Stores DOCS jobs, one in a hundred open and one in five hundred with an event. */
async function fill(jobs: Collection<Job>): Promise<void> {
  for (let i = 0; i < DOCS; i += 100)
    await Promise.all(
      Array.from({ length: 100 }, (_, k) => {
        const n = i + k
        const event = { topic: 'job.done', id: `e${n}`, body: String(n) }
        return jobs.insert(
          { _id: `j${n}`, queue: 'q', state: n % 100 === 0 ? 'open' : 'done', dueAt: n },
          n % 500 === 0 ? { events: [event] } : undefined,
        )
      }),
    )
}

/** The nodes of PostgreSQL's plan for a find with this filter, as FerretDB explains it. */
async function planOf(client: MongoClient, collection: string, filter: Document) {
  const explained = await client.db().command({ explain: { find: collection, filter } })
  const nodes: { type: string; index?: string }[] = []
  const walk = (plan: Document) => {
    nodes.push({ type: plan['Node Type'], index: plan['Index Name'] })
    for (const child of plan.Plans ?? []) walk(child)
  }
  walk(explained.queryPlanner.Plan)
  return nodes
}

const usesGinTwin = (nodes: { type: string; index?: string }[]) =>
  nodes.some((n) => /Index Scan/.test(n.type) && /_gin$/.test(n.index ?? ''))

describe.skipIf(unavailable)('FerretDB on PostgreSQL with ferretdb-postgresql.sql', () => {
  let pg: { name: string; url: string }
  let ferret: FerretDbServer
  let store: DocumentStore
  let client: MongoClient
  beforeAll(async () => {
    pg = await createDatabase('oms_fx')
    ferret = await startFerretDb({ postgresqlUrl: pg.url })
    const uri = ferret.uri('fx')
    store = await mongoDocuments({ uri })
    client = new MongoClient(uri)
  }, 60_000)
  afterAll(async () => {
    await client?.close()
    await store?.close()
    await ferret?.close()
    if (pg) await dropDatabase(pg.name)
  })

  it('turns the scans of reads by _id, by index and by pending events into index scans', async () => {
    await store.prepare('t', [spec('before')])
    const jobs = store.collection<Job>('t', spec('before'))
    await fill(jobs)
    await query(pg.name, 'analyze')
    const reads = [{ _id: 'j1234' }, { queue: 'q', state: 'open' }, { _outboxPending: true }]

    for (const filter of reads) {
      const nodes = await planOf(client, 't.before', filter)
      expect(nodes.map((n) => n.type)).toEqual(['Seq Scan'])
    }

    await applySqlFile(pg.name, FERRETDB_POSTGRESQL_SQL)
    await applySqlFile(pg.name, FERRETDB_POSTGRESQL_SQL) // again: changes nothing

    for (const filter of reads)
      expect(usesGinTwin(await planOf(client, 't.before', filter))).toBe(true)
    // What those reads answer is unchanged.
    expect((await jobs.get('j1234'))?.dueAt).toBe(1234)
    expect((await jobs.find('due', { where: { queue: 'q', state: 'open' } })).length).toBe(
      DOCS / 100,
    )
    const pending = await jobs.pendingEvents()
    expect(pending.map((p) => p.id).sort()).toEqual([
      'j0',
      'j1000',
      'j1500',
      'j2000',
      'j2500',
      'j500',
    ])
  }, 120_000)

  it('gives collections made later their twins too, and clearing events leaves the lookup', async () => {
    await store.prepare('t', [spec('after')])
    const jobs = store.collection<Job>('t', spec('after'))
    await fill(jobs)
    await query(pg.name, 'analyze')
    for (const filter of [{ _id: 'j77' }, { queue: 'q', state: 'open' }, { _outboxPending: true }])
      expect(usesGinTwin(await planOf(client, 't.after', filter))).toBe(true)

    for (const p of await jobs.pendingEvents()) await jobs.clearEvents(p.id, p.events)
    expect(await jobs.pendingEvents()).toEqual([])
    const raw = await client
      .db()
      .collection('t.after')
      .findOne({ _id: 'j500' as never })
    expect(raw && Object.keys(raw).sort()).toEqual(['_id', 'dueAt', 'queue', 'state'])
  }, 120_000)
})
