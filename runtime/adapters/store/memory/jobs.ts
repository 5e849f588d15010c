/** Embedded durable-job list with leases, for long-running workers. */
import type { Job, JobRepo } from '../../../ports/store.ts'

interface Entry extends Job {
  state: 'queued' | 'running' | 'done'
  runAt: number
  owner?: string
  leaseUntil: number
}

export function memoryJobs(now: () => number = Date.now): JobRepo {
  const queues = new Map<string, Map<string, Entry>>()
  const queueOf = (name: string) => {
    let q = queues.get(name)
    if (!q) {
      q = new Map()
      queues.set(name, q)
    }
    return q
  }
  const held = (entry: Entry | undefined, owner: string) =>
    entry !== undefined && entry.state === 'running' && entry.owner === owner
  const requeue = (entry: Entry, runAt: number) => {
    entry.state = 'queued'
    entry.owner = undefined
    entry.runAt = runAt
  }

  return {
    async enqueue(queue, id, payload) {
      const q = queueOf(queue)
      if (q.has(id)) return false
      q.set(id, { queue, id, payload, attempts: 0, state: 'queued', runAt: 0, leaseUntil: 0 })
      return true
    },
    async claim(queue, owner, limit, leaseMs) {
      const t = now()
      const claimed: Job[] = []
      for (const entry of queueOf(queue).values()) {
        if (claimed.length >= limit) break
        const due = entry.state === 'queued' && entry.runAt <= t
        const expired = entry.state === 'running' && entry.leaseUntil <= t
        if (!due && !expired) continue
        entry.state = 'running'
        entry.owner = owner
        entry.leaseUntil = t + leaseMs
        entry.attempts += 1
        claimed.push({
          queue,
          id: entry.id,
          payload: entry.payload,
          attempts: entry.attempts,
          lastError: entry.lastError,
        })
      }
      return claimed
    },
    async renew(queue, owner, ids, leaseMs) {
      const q = queueOf(queue)
      for (const id of ids) {
        const entry = q.get(id)
        if (entry && held(entry, owner)) entry.leaseUntil = now() + leaseMs
      }
    },
    async complete(queue, id, owner) {
      const entry = queueOf(queue).get(id)
      if (entry && held(entry, owner)) entry.state = 'done'
    },
    async retry(queue, id, owner, delayMs, error) {
      const entry = queueOf(queue).get(id)
      if (!entry || !held(entry, owner)) return
      entry.lastError = error
      requeue(entry, now() + delayMs)
    },
    async releaseOwner(queue, owner) {
      for (const entry of queueOf(queue).values()) {
        if (held(entry, owner)) {
          entry.attempts -= 1
          requeue(entry, 0)
        }
      }
    },
    async counts(queue) {
      let queued = 0
      let running = 0
      for (const entry of queueOf(queue).values()) {
        if (entry.state === 'queued') queued += 1
        if (entry.state === 'running') running += 1
      }
      return { queued, running }
    },
  }
}
