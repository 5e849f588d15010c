/**
 * MongoDB durable job list with leases, for long-running workers: one document per (queue, id)
 * under a unique index. A claim is one findOneAndUpdate per job that matches only a job that is
 * queued and due, or running under an expired lease, so two owners never hold the same job;
 * renew, complete and retry apply only while the caller still holds the lease.
 */
import type { Db, Filter } from 'mongodb'
import type { Job, JobRepo } from '../../../ports/store.ts'
import { COLLECTIONS, isDuplicateKey } from './indexes.ts'

interface JobDoc {
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

const toJob = (doc: JobDoc): Job => ({
  queue: doc.queue,
  id: doc.jobId,
  payload: doc.payload,
  attempts: doc.attempts,
  ...(doc.lastError !== undefined && { lastError: doc.lastError }),
})

export function mongoJobs(db: Db, now: () => number = Date.now): JobRepo {
  const jobs = db.collection<JobDoc>(COLLECTIONS.jobs)
  const held = (queue: string, id: string, owner: string): Filter<JobDoc> => ({
    queue,
    jobId: id,
    state: 'running',
    owner,
  })

  return {
    async enqueue(queue, id, payload) {
      try {
        await jobs.insertOne({
          queue,
          jobId: id,
          payload,
          attempts: 0,
          state: 'queued',
          runAt: 0,
          leaseUntil: 0,
        })
        return true
      } catch (err) {
        if (isDuplicateKey(err)) return false
        throw err
      }
    },
    async claim(queue, owner, limit, leaseMs) {
      const claimed: Job[] = []
      while (claimed.length < limit) {
        const t = now()
        const doc = await jobs.findOneAndUpdate(
          {
            queue,
            $or: [
              { state: 'queued', runAt: { $lte: t } },
              { state: 'running', leaseUntil: { $lte: t } },
            ],
          },
          { $set: { state: 'running', owner, leaseUntil: t + leaseMs }, $inc: { attempts: 1 } },
          { sort: { runAt: 1, _id: 1 }, returnDocument: 'after' },
        )
        if (!doc) break
        claimed.push(toJob(doc))
      }
      return claimed
    },
    async renew(queue, owner, ids, leaseMs) {
      if (ids.length === 0) return
      await jobs.updateMany(
        { queue, jobId: { $in: [...ids] }, state: 'running', owner },
        { $set: { leaseUntil: now() + leaseMs } },
      )
    },
    async complete(queue, id, owner) {
      await jobs.updateOne(held(queue, id, owner), { $set: { state: 'done' } })
    },
    async retry(queue, id, owner, delayMs, error) {
      await jobs.updateOne(held(queue, id, owner), {
        $set: { state: 'queued', runAt: now() + delayMs, lastError: error },
        $unset: { owner: '' },
      })
    },
    async releaseOwner(queue, owner) {
      // Given back, not failed: the attempt it was counted as is taken back too.
      await jobs.updateMany(
        { queue, state: 'running', owner },
        { $set: { state: 'queued', runAt: 0 }, $unset: { owner: '' }, $inc: { attempts: -1 } },
      )
    },
    async counts(queue) {
      const [queued, running] = await Promise.all([
        jobs.countDocuments({ queue, state: 'queued' }),
        jobs.countDocuments({ queue, state: 'running' }),
      ])
      return { queued, running }
    },
  }
}
