/**
 * Runs a worker function: each event is written to the worker's durable job list and
 * acknowledged at once (no delivery is held during long work), then jobs are leased and
 * run with bounded concurrency. Leases are renewed while a job runs; a crashed process's
 * jobs are picked up again when their lease runs out; failures are retried with backoff. Each
 * run is counted (started, finished by outcome, running now) with its time; the intake as the
 * worker's queue's deliveries.
 */
import { randomUUID } from 'node:crypto'
import { isTransient } from '../adapters/bus/errors.ts'
import type { BindingDeps, Hosted } from '../model/binding.ts'
import type { WorkerFunction } from '../model/define.ts'
import { isRetryLater } from '../model/retry-later.ts'
import type { Subscription } from '../ports/bus.ts'
import { countingDeliveries, parkedNotice } from '../queue/consumer-binding.ts'
import { parseEvent } from '../queue/parse-event.ts'
import { jobList } from './job-list.ts'
import { runJob, wrapPayload } from './run-job.ts'

export interface JobRunnerOptions {
  /** How long a claimed job stays ours without renewal (default 30 s). */
  leaseMs?: number
  /** How often due jobs are looked for when nothing pokes the runner (default 250 ms). */
  pollMs?: number
  /** Longest backoff between tries (default 30 s). */
  maxBackoffMs?: number
  /** How long stop() waits for running jobs before handing them back (default SHUTDOWN_GRACE_MS). */
  graceMs?: number
}

/** Jobs run at once when the worker says nothing. */
export const DEFAULT_CONCURRENCY = 4

export interface JobRunner {
  stop(): Promise<void>
}

export async function startJobRunner(
  hosted: Hosted<WorkerFunction>,
  deps: BindingDeps,
  {
    leaseMs = 30_000,
    pollMs = 250,
    maxBackoffMs = 30_000,
    graceMs = deps.config.shutdownGraceMs,
  }: JobRunnerOptions = {},
): Promise<JobRunner> {
  const { fn, ctx } = hosted
  const queue = fn.name
  const jobs = jobList(deps.adapters.store, queue)
  const owner = `${queue}:${randomUUID()}`
  const { concurrency: configured = DEFAULT_CONCURRENCY } = fn.def.options
  const concurrency =
    typeof configured === 'function' ? configured(ctx.settings as never) : configured
  const running = new Map<string, Promise<void>>()
  const abort = new AbortController()
  let stopping = false

  /** One run of the job, counted. */
  const run = async (job: { id: string; payload: string; attempts: number }) => {
    const ended = deps.metrics.jobStarted(fn.name)
    try {
      await runJob(hosted, job, abort.signal)
      ended('done')
    } catch (err) {
      ended(isRetryLater(err) ? 'deferred' : 'failed')
      throw err
    }
  }
  const work = async (job: { id: string; payload: string; attempts: number }) => {
    try {
      await run(job)
      await jobs.complete(job.id, owner)
    } catch (err) {
      if (abort.signal.aborted) return
      const log = ctx.log.child({ jobId: job.id, attempt: job.attempts })
      const backoff = Math.min(maxBackoffMs, 500 * 2 ** Math.min(job.attempts - 1, 16))
      const delayMs = isRetryLater(err) ? (err.delayMs ?? backoff) : backoff
      if (isRetryLater(err)) log.debug({ delayMs, reason: err.message }, 'job deferred')
      // What it needs is away for now (a service answering UNAVAILABLE, a store down): no fault.
      else if (isTransient(err)) log.warn({ err, delayMs }, 'job failed; will retry')
      else log.error({ err, delayMs }, 'job failed; will retry')
      await jobs.retry(job.id, owner, delayMs, err instanceof Error ? err.message : String(err))
    }
  }
  /** A job's run; what fails even to be recorded (the store went away) waits for its lease. */
  const workSafely = (job: Parameters<typeof work>[0]) =>
    work(job).catch((err: unknown) => {
      if (!abort.signal.aborted)
        ctx.log.error(
          { err, jobId: job.id },
          'job outcome not recorded; it runs again once its lease ends',
        )
    })

  let ticking = false
  const tick = async () => {
    if (stopping || ticking) return
    ticking = true
    try {
      const free = concurrency - running.size
      if (free <= 0) return
      for (const job of await jobs.claim(owner, free, leaseMs)) {
        const p = workSafely(job).finally(() => {
          running.delete(job.id)
          void tick()
        })
        running.set(job.id, p)
      }
    } catch (err) {
      ctx.log.error({ err }, 'claiming jobs failed')
    } finally {
      ticking = false
    }
  }

  const subscription: Subscription = await deps.adapters.bus.subscribe(
    {
      consumer: queue,
      event: fn.def.options.on.name,
      prefetch: deps.config.prefetch,
      retryDelaysMs: deps.config.retryDelaysMs,
      onParked: parkedNotice(deps, queue, fn.def.options.on.name),
    },
    countingDeliveries(deps.metrics, queue, fn.def.options.on.name, async (delivery) => {
      const event = parseEvent(fn.def.options.on, delivery.body)
      const id = fn.def.options.key?.(event) ?? delivery.messageId
      await jobs.enqueue(id, wrapPayload(delivery.body, delivery.headers))
      void tick()
      return undefined
    }),
  )
  const poll = setInterval(() => void tick(), pollMs)
  const renew = setInterval(() => {
    if (running.size > 0) {
      jobs.renew(owner, [...running.keys()], leaseMs).catch((err: unknown) => {
        ctx.log.error({ err }, 'renewing job leases failed')
      })
    }
  }, leaseMs / 3)
  void tick()

  return {
    async stop() {
      stopping = true
      clearInterval(poll)
      await subscription.close()
      const settled = Promise.allSettled(running.values())
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), graceMs).unref()),
      ])
      if (timedOut) {
        abort.abort()
        await jobs.release(owner, [...running.keys()])
      }
      clearInterval(renew)
    },
  }
}
