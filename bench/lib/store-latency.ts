/**
 * What one store command costs, alone: over one connection (as each domain process has on
 * FerretDB 1.x), `rounds` times a `findOne` by `_id` and a guarded `findOneAndUpdate` (the kind
 * of write every step of an order is) on a small collection, one command at a time.
 */
import { MongoClient } from 'mongodb'
import { median } from './load.ts'

interface ProbeDoc {
  _id: string
  v: number
  note: string
}

export interface StoreLatency {
  rounds: number
  /** Median of all the commands timed, in ms. */
  medianMs: number
  findOneMs: number
  findOneAndUpdateMs: number
}

const DOCS = 10

/** Times the commands on a database of their own at `uri` (dropped after). */
export async function storeLatency(uri: string, rounds: number): Promise<StoreLatency> {
  const client = new MongoClient(uri, { maxPoolSize: 1 })
  await client.connect()
  try {
    const probe = client.db().collection<ProbeDoc>('bench.probe')
    await probe.insertMany(
      Array.from({ length: DOCS }, (_, i) => ({ _id: `p${i}`, v: 0, note: 'probe' })),
    )
    const reads: number[] = []
    const writes: number[] = []
    for (let i = 0; i < rounds; i++) {
      const _id = `p${i % DOCS}`
      let t0 = performance.now()
      const doc = await probe.findOne({ _id })
      reads.push(performance.now() - t0)
      t0 = performance.now()
      const after = await probe.findOneAndUpdate(
        { _id, v: doc?.v ?? 0 },
        { $inc: { v: 1 } },
        { returnDocument: 'after' },
      )
      writes.push(performance.now() - t0)
      if (!after) throw new Error('the probe update found no document: another writer?')
    }
    return {
      rounds,
      medianMs: median([...reads, ...writes]),
      findOneMs: median(reads),
      findOneAndUpdateMs: median(writes),
    }
  } finally {
    await client
      .db()
      .dropDatabase()
      .catch(() => {})
    await client.close()
  }
}

/**
 * The median time of a `findOne` by `_id` on a collection the deployment keeps (its orders,
 * say), for `rounds` of its documents: whether a lookup stays as cheap as the collection grows.
 */
export async function lookupLatency(
  uri: string,
  collection: string,
  rounds: number,
): Promise<number> {
  const client = new MongoClient(uri, { maxPoolSize: 1 })
  await client.connect()
  try {
    const docs = client.db().collection<{ _id: string }>(collection)
    const ids = (
      await docs
        .find({}, { projection: { _id: 1 } })
        .limit(rounds)
        .toArray()
    ).map((d) => d._id)
    const times: number[] = []
    for (const _id of ids) {
      const t0 = performance.now()
      await docs.findOne({ _id })
      times.push(performance.now() - t0)
    }
    return median(times)
  } finally {
    await client.close()
  }
}
