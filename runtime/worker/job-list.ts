/**
 * A worker's durable job list with leases, in the runtime's namespace of the document store:
 * one document per (queue, job id), so a job is added once. A claim is a guarded update that
 * matches only a job that is queued and due, or running under an expired lease, so two owners
 * never hold the same job; renew, complete and retry apply only while the caller still holds
 * the lease.
 */
import type { Collection, CollectionSpec, DocumentStore } from '../ports/documents.ts'
import { RUNTIME_NAMESPACE } from '../queue/handled-events.ts'

export interface Job {
  queue: string
  id: string
  payload: string
  attempts: number
  lastError?: string
}

interface JobDoc {
  _id: string
  queue: string
  jobId: string
  payload: string
  attempts: number
  lastError?: string
  state: 'queued' | 'running' | 'done'
  /** Epoch ms before which a queued job is not due. */
  runAt: number
  owner?: string
  /** Epoch ms at which a running job's lease runs out. */
  leaseUntil: number
}

export const JOBS: CollectionSpec = {
  name: 'jobs',
  indexes: [
    {
      name: 'due',
      fields: [
        ['queue', 1],
        ['state', 1],
        ['runAt', 1],
      ],
    },
    {
      name: 'lease',
      fields: [
        ['queue', 1],
        ['state', 1],
        ['leaseUntil', 1],
      ],
    },
  ],
}

/** Rounds of looking for due jobs that other owners keep taking first. */
const MAX_ROUNDS = 10

const toJob = (doc: JobDoc): Job => ({
  queue: doc.queue,
  id: doc.jobId,
  payload: doc.payload,
  attempts: doc.attempts,
  ...(doc.lastError !== undefined && { lastError: doc.lastError }),
})

export function jobList(store: DocumentStore, queue: string, now: () => number = Date.now) {
  const jobs: Collection<JobDoc> = store.collection(RUNTIME_NAMESPACE, JOBS)
  const key = (id: string) => `${queue}/${id}`
  const held = (owner: string) => ({ state: 'running' as const, owner })

  return {
    /** Adds a job once per id; false when it was already there (even done). */
    enqueue: (id: string, payload: string) =>
      jobs.insert({
        _id: key(id),
        queue,
        jobId: id,
        payload,
        attempts: 0,
        state: 'queued',
        runAt: 0,
        leaseUntil: 0,
      }),

    /** Leases up to `limit` due jobs to `owner` (queued ones, or ones whose lease ran out). */
    async claim(owner: string, limit: number, leaseMs: number): Promise<Job[]> {
      const claimed: Job[] = []
      for (let round = 0; round < MAX_ROUNDS && claimed.length < limit; round++) {
        const t = now()
        const wanted = limit - claimed.length
        const due = await jobs.find('due', {
          where: { queue, state: 'queued', runAt: { $lte: t } },
          limit: wanted,
        })
        const expired = await jobs.find('lease', {
          where: { queue, state: 'running', leaseUntil: { $lte: t } },
          limit: wanted,
        })
        if (due.length + expired.length === 0) break
        for (const doc of [...due, ...expired]) {
          if (claimed.length >= limit) break
          const still =
            doc.state === 'queued'
              ? { state: 'queued' as const, runAt: { $lte: t } }
              : { state: 'running' as const, leaseUntil: { $lte: t } }
          const taken = await jobs.update(
            doc._id,
            { set: { state: 'running', owner, leaseUntil: t + leaseMs }, inc: { attempts: 1 } },
            { where: still },
          )
          if (taken) claimed.push(toJob(taken))
        }
      }
      return claimed
    },

    /** Extends leases still held by `owner`. */
    async renew(owner: string, ids: readonly string[], leaseMs: number): Promise<void> {
      const until = now() + leaseMs
      await Promise.all(
        ids.map((id) =>
          jobs.update(key(id), { set: { leaseUntil: until } }, { where: held(owner) }),
        ),
      )
    },

    async complete(id: string, owner: string): Promise<void> {
      await jobs.update(key(id), { set: { state: 'done' } }, { where: held(owner) })
    },

    /** Gives the job back to run again no earlier than `delayMs` from now. */
    async retry(id: string, owner: string, delayMs: number, error: string): Promise<void> {
      await jobs.update(
        key(id),
        { set: { state: 'queued', runAt: now() + delayMs, lastError: error }, unset: ['owner'] },
        { where: held(owner) },
      )
    },

    /** Gives leases back at once, without counting the attempt (graceful shutdown). */
    async release(owner: string, ids: readonly string[]): Promise<void> {
      await Promise.all(
        ids.map((id) =>
          jobs.update(
            key(id),
            { set: { state: 'queued', runAt: 0 }, unset: ['owner'], inc: { attempts: -1 } },
            { where: held(owner) },
          ),
        ),
      )
    },
  }
}

export type JobList = ReturnType<typeof jobList>
