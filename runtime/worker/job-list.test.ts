/**
 * A worker's durable job list on every store adapter: added once per id, leased to one owner
 * at a time, renewed, completed or retried only by the owner, taken over when a lease runs out,
 * given back at once on shutdown, and never given to two owners claiming at once.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { expect, it } from 'vitest'
import { eachStore } from '../../test/each-store.ts'
import { RUNTIME_NAMESPACE } from '../queue/handled-events.ts'
import { JOBS, jobList } from './job-list.ts'

const LEASE_MS = 300

eachStore('worker job list', ({ fresh }) => {
  async function list(queue = 'q') {
    const store = await fresh()
    await store.prepare(RUNTIME_NAMESPACE, [JOBS])
    const count = async (state: string) =>
      (
        await store
          .collection<{ _id: string; queue: string; state: string }>(RUNTIME_NAMESPACE, JOBS)
          .find('due', { where: { queue, state } })
      ).length
    return Object.assign(jobList(store, queue), {
      store,
      counts: async () => ({ queued: await count('queued'), running: await count('running') }),
    })
  }

  it('enqueues a job once per queue and id', async () => {
    const jobs = await list()
    expect(await jobs.enqueue('j1', '{"a":1}')).toBe(true)
    expect(await jobs.enqueue('j1', '{"a":2}')).toBe(false)
    expect(await jobList(jobs.store, 'other').enqueue('j1', '{}')).toBe(true)
    await jobs.enqueue('j2', '{}')
    expect(await jobs.counts()).toEqual({ queued: 2, running: 0 })
  })

  it('leases due jobs up to a limit, each to one owner', async () => {
    const jobs = await list()
    for (const id of ['j1', 'j2', 'j3']) await jobs.enqueue(id, `{"id":"${id}"}`)
    const first = await jobs.claim('a', 2, LEASE_MS)
    expect(first).toHaveLength(2)
    for (const job of first)
      expect(job).toEqual({ queue: 'q', id: job.id, payload: `{"id":"${job.id}"}`, attempts: 1 })
    const second = await jobs.claim('b', 5, LEASE_MS)
    expect(second).toHaveLength(1)
    expect(await jobs.claim('c', 5, LEASE_MS)).toEqual([])
    expect(new Set([...first, ...second].map((j) => j.id))).toEqual(new Set(['j1', 'j2', 'j3']))
    expect(await jobs.counts()).toEqual({ queued: 0, running: 3 })
  })

  it('completes a job only for its owner; a completed job is not claimed or added again', async () => {
    const jobs = await list()
    await jobs.enqueue('j1', '{}')
    await jobs.claim('a', 1, LEASE_MS)
    await jobs.complete('j1', 'b')
    expect(await jobs.counts()).toEqual({ queued: 0, running: 1 })
    await jobs.complete('j1', 'a')
    expect(await jobs.counts()).toEqual({ queued: 0, running: 0 })
    await sleep(LEASE_MS + 50)
    expect(await jobs.claim('b', 5, LEASE_MS)).toEqual([])
    expect(await jobs.enqueue('j1', '{}')).toBe(false)
  })

  it('gives an expired lease to another owner, and ignores the old owner afterwards', async () => {
    const jobs = await list()
    await jobs.enqueue('j1', '{}')
    await jobs.claim('a', 1, LEASE_MS)
    expect(await jobs.claim('b', 1, LEASE_MS)).toEqual([])
    await sleep(LEASE_MS + 50)
    expect(await jobs.claim('b', 1, LEASE_MS * 10)).toMatchObject([{ id: 'j1', attempts: 2 }])
    await jobs.complete('j1', 'a')
    await jobs.retry('j1', 'a', 0, 'late')
    expect(await jobs.counts()).toEqual({ queued: 0, running: 1 })
    expect(await jobs.claim('c', 1, LEASE_MS)).toEqual([])
  })

  it('renews leases still held by the owner', async () => {
    const jobs = await list()
    await jobs.enqueue('j1', '{}')
    await jobs.enqueue('j2', '{}')
    await jobs.claim('a', 2, LEASE_MS)
    await sleep(LEASE_MS / 2)
    await jobs.renew('a', ['j1'], LEASE_MS * 10)
    await jobs.renew('b', ['j2'], LEASE_MS * 10)
    await sleep(LEASE_MS / 2 + 50)
    expect(await jobs.claim('b', 5, LEASE_MS)).toMatchObject([{ id: 'j2' }])
  })

  it('retries a job after a delay, carrying its last error; only for its owner', async () => {
    const jobs = await list()
    await jobs.enqueue('j1', '{}')
    await jobs.claim('a', 1, LEASE_MS * 10)
    await jobs.retry('j1', 'b', 0, 'not mine')
    expect(await jobs.counts()).toEqual({ queued: 0, running: 1 })
    await jobs.retry('j1', 'a', LEASE_MS, 'boom')
    expect(await jobs.counts()).toEqual({ queued: 1, running: 0 })
    expect(await jobs.claim('a', 1, LEASE_MS)).toEqual([])
    await sleep(LEASE_MS + 50)
    expect(await jobs.claim('b', 1, LEASE_MS)).toEqual([
      { queue: 'q', id: 'j1', payload: '{}', attempts: 2, lastError: 'boom' },
    ])
  })

  it('gives back an owner’s leases at once, without counting the attempt', async () => {
    const jobs = await list()
    for (const id of ['j1', 'j2', 'j3']) await jobs.enqueue(id, '{}')
    const mine = await jobs.claim('a', 2, LEASE_MS * 10)
    await jobs.claim('b', 1, LEASE_MS * 10)
    await jobs.release(
      'a',
      mine.map((j) => j.id),
    )
    expect(await jobs.counts()).toEqual({ queued: 2, running: 1 })
    const again = await jobs.claim('c', 5, LEASE_MS)
    expect(again).toHaveLength(2)
    expect(again.map((j) => j.attempts)).toEqual([1, 1])
  })

  it('never gives one job to two owners claiming at once', async () => {
    const jobs = await list()
    for (let i = 0; i < 20; i++) await jobs.enqueue(`j${i}`, '{}')
    const claims = await Promise.all(
      ['a', 'b', 'c', 'd', 'e'].map((owner) => jobs.claim(owner, 8, LEASE_MS * 10)),
    )
    const ids = claims.flat().map((j) => j.id)
    expect(ids).toHaveLength(20)
    expect(new Set(ids).size).toBe(20)
    expect(await jobs.counts()).toEqual({ queued: 0, running: 20 })
  })
})
